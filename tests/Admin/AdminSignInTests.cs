using System.Net;
using LlmGateway.Auth;
using LlmGateway.Demo;
using LlmGateway.Tests.Infrastructure;

namespace LlmGateway.Tests.Admin;

/// <summary>Signing in to the dashboard over HTTP: the admin key at <c>/admin/login</c> for a session cookie, one-time links, sign-out.</summary>
public sealed class AdminSignInTests : IAsyncLifetime
{
    private const string AdminKey = "sk-admin-dashboard";
    private FakeUpstream _upstream = null!;

    public async Task InitializeAsync() => _upstream = await FakeUpstream.StartAsync(new FakeUpstreamOptions { LatencyMs = 30 });

    public async Task DisposeAsync() => await _upstream.DisposeAsync();

    private static Dictionary<string, string?> Settings(string upstreamUrl)
    {
        var settings = GatewayHost.BasicSettings(upstreamUrl);
        settings["Gateway:Admin:KeySha256:0"] = TeamKeys.Sha256Hex(AdminKey);
        return settings;
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
}
