using System.Net;
using System.Text.Json.Nodes;
using LlmGateway.Auth;
using LlmGateway.Demo;
using LlmGateway.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;
using Xunit.Abstractions;

namespace LlmGateway.Tests.Metrics;

/// <summary>The built-in dashboard over HTTP: admin key, login cookie, figures. Cost and budgets are STAND-INS (see <see cref="DashboardStandIns"/>).</summary>
public sealed class DashboardTests(ITestOutputHelper output) : IAsyncLifetime
{
    public const string AdminKey = "sk-admin-dashboard";
    private FakeUpstream _upstream = null!;

    public async Task InitializeAsync() => _upstream = await FakeUpstream.StartAsync(new FakeUpstreamOptions { LatencyMs = 30 });

    public async Task DisposeAsync() => await _upstream.DisposeAsync();

    internal static Dictionary<string, string?> Settings(string upstreamUrl)
    {
        var settings = GatewayHost.BasicSettings(upstreamUrl);
        settings["Gateway:Admin:KeySha256:0"] = TeamKeys.Sha256Hex(AdminKey);
        return settings;
    }

    internal static async Task SendTrafficAsync(GatewayHost gateway)
    {
        for (var i = 0; i < 6; i++)
        {
            using var r = await gateway.Client().PostAsync("/v1/chat/completions", Json.Chat("mini", "q" + i, stream: i % 2 == 1));
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        }
        using var failed = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = Json.Chat("mini", "boom") };
        failed.Headers.Add("x-fake-status", "502");
        using (var r = await gateway.Client().SendAsync(failed)) Assert.Equal(HttpStatusCode.BadGateway, r.StatusCode);
    }

    [Fact]
    public async Task The_dashboard_needs_the_admin_key_and_the_login_exchanges_it_for_a_cookie()
    {
        await using var gateway = await GatewayHost.StartAsync(Settings(_upstream.BaseUrl));
        var handler = new HttpClientHandler { AllowAutoRedirect = false, UseCookies = true };
        using var browser = new HttpClient(handler) { BaseAddress = new Uri(gateway.Url) };

        using var anonymous = await browser.GetAsync("/admin/dashboard");
        using var teamKey = await gateway.Client().GetAsync("/admin/dashboard");
        using var wrong = await browser.PostAsync("/admin/login", new FormUrlEncodedContent([new("key", "sk-nope")]));
        using var login = await browser.PostAsync("/admin/login", new FormUrlEncodedContent([new("key", AdminKey)]));
        using var page = await browser.GetAsync("/admin/dashboard");

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, teamKey.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Contains("login-error", await wrong.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        Assert.Equal("/admin/dashboard", login.Headers.Location!.OriginalString);
        var cookie = Assert.Single(login.Headers.GetValues("Set-Cookie"));
        Assert.StartsWith("llm_gateway_admin=", cookie);
        Assert.DoesNotContain(AdminKey, cookie); // a session token, not the key
        Assert.DoesNotContain(TeamKeys.Sha256Hex(AdminKey), cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("path=/admin", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType!.MediaType);
        Assert.Contains("Spend vs budget per team", await page.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_key_in_the_url_is_refused_and_a_one_time_link_signs_in_once()
    {
        await using var gateway = await GatewayHost.StartAsync(Settings(_upstream.BaseUrl));
        var handler = new HttpClientHandler { AllowAutoRedirect = false, UseCookies = true };
        using var browser = new HttpClient(handler) { BaseAddress = new Uri(gateway.Url) };

        using var keyInUrl = await browser.GetAsync($"/admin/login?key={AdminKey}");
        using var anonymousLink = await browser.PostAsync("/admin/login-links", null);
        using var created = await gateway.Client(AdminKey).PostAsync("/admin/login-links", null);
        var link = (await Json.ReadObjectAsync(created))["url"]!.GetValue<string>();
        using var first = await browser.GetAsync(link);
        using var page = await browser.GetAsync("/admin/dashboard");
        using var stranger = new HttpClient { BaseAddress = new Uri(gateway.Url) };
        using var again = await stranger.GetAsync(link);

        Assert.Equal(HttpStatusCode.BadRequest, keyInUrl.StatusCode);
        Assert.False(keyInUrl.Headers.Contains("Set-Cookie"));
        Assert.Contains("do not belong in URLs", await keyInUrl.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Unauthorized, anonymousLink.StatusCode);
        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        Assert.StartsWith(gateway.Url + "/admin/login?link=", link); // absolute, from the request
        Assert.DoesNotContain(AdminKey, link);
        // A page that moves on by itself, not a redirect: see SignInEndpoints.
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Contains("url=/admin/dashboard", await first.Content.ReadAsStringAsync());
        Assert.StartsWith("llm_gateway_admin=", Assert.Single(first.Headers.GetValues("Set-Cookie")));
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, again.StatusCode);
        Assert.Contains("unknown, used or expired", await again.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_session_cannot_mint_sign_in_links_and_ends_at_sign_out()
    {
        await using var gateway = await GatewayHost.StartAsync(Settings(_upstream.BaseUrl));
        var handler = new HttpClientHandler { AllowAutoRedirect = false, UseCookies = true };
        using var browser = new HttpClient(handler) { BaseAddress = new Uri(gateway.Url) };
        using (var login = await browser.PostAsync("/admin/login", new FormUrlEncodedContent([new("key", AdminKey)])))
            Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        var session = handler.CookieContainer.GetCookies(new Uri(gateway.Url + "/admin/"))["llm_gateway_admin"]!.Value;

        using var mint = await browser.PostAsync("/admin/login-links", null);
        using var logout = await browser.PostAsync("/admin/logout", null);
        using var stranger = new HttpClient { BaseAddress = new Uri(gateway.Url) };
        using var replayed = new HttpRequestMessage(HttpMethod.Get, "/admin/metrics/summary");
        replayed.Headers.Add("Cookie", "llm_gateway_admin=" + session);
        using var afterLogout = await stranger.SendAsync(replayed);
        using var pageRequest = new HttpRequestMessage(HttpMethod.Get, "/admin/dashboard");
        pageRequest.Headers.Add("Accept", "text/html");
        using var signedOutPage = await browser.SendAsync(pageRequest);

        Assert.Equal(HttpStatusCode.Forbidden, mint.StatusCode);
        Assert.Equal("no-store", mint.Headers.CacheControl!.ToString());
        Assert.Equal(HttpStatusCode.Redirect, logout.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, afterLogout.StatusCode); // the token itself is dead, not only the cookie
        Assert.Equal(HttpStatusCode.Redirect, signedOutPage.StatusCode); // a browser is sent to the sign-in form
        Assert.Equal("/admin/login", signedOutPage.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task The_summary_shows_spend_against_budget_savings_hit_ratio_and_latency_per_model()
    {
        // Latency on a fake clock that only the upstream's 30 ms waits move: the same figures on any machine.
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 20, 12, 0, 0, TimeSpan.Zero));
        await using var upstream = await FakeUpstream.StartAsync(new FakeUpstreamOptions { LatencyMs = 30 }, time: new FastForwardClock(clock));
        await using var gateway = await GatewayHost.StartAsync(Settings(upstream.BaseUrl), GatewayHost.WithClock(clock));
        await SendTrafficAsync(gateway);
        DashboardStandIns.Record(gateway);
        output.WriteLine("STAND-IN: cost, savings and budget series are recorded by the test (the budgets capability is not running here).");

        using var response = await gateway.Client(AdminKey).GetAsync("/admin/metrics/summary");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var summary = await Json.ReadObjectAsync(response);

        Assert.Equal(7, summary["requests"]!.GetValue<long>());
        Assert.Equal(97.5, summary["costUsd"]!.GetValue<double>(), 9);
        Assert.Equal(4.25, summary["savedUsd"]!.GetValue<double>(), 9);
        Assert.Equal(1.0 / 7, summary["serverErrorRatio"]!.GetValue<double>(), 9);
        var teams = summary["teams"]!.AsArray();
        var teamA = teams.Single(t => t!["team"]!.GetValue<string>() == "team-a")!;
        Assert.Equal(7, teamA["requests"]!.GetValue<long>());
        Assert.Equal(2, teamA["rejections"]!.GetValue<long>());
        var budget = teamA["budgets"]!.AsArray().Single()!;
        Assert.Equal("month", budget["period"]!.GetValue<string>());
        Assert.Equal(85, budget["spentUsd"]!.GetValue<double>());
        Assert.Equal(100, budget["limitUsd"]!.GetValue<double>());
        Assert.Equal(15, budget["remainingUsd"]!.GetValue<double>());
        Assert.Equal(0.85, budget["usedRatio"]!.GetValue<double>(), 9);
        var model = summary["models"]!.AsArray().Single(m => m!["model"]!.GetValue<string>() == "gpt-4o-mini")!;
        Assert.Equal(7, model["requests"]!.GetValue<long>());
        // Every request took exactly its 30 ms upstream wait on the gateway's clock: p50 in the (25 ms, 50 ms] bucket.
        Assert.InRange(model["p50"]!.GetValue<double>(), 0.025, 0.05);
        Assert.True(model["p95"]!.GetValue<double>() >= model["p50"]!.GetValue<double>());
        Assert.InRange(model["ttftP50"]!.GetValue<double>(), 0.025, 0.05);
        Assert.Equal("main", summary["upstreamErrors"]!.AsArray().Single()!["provider"]!.GetValue<string>());
    }
}
