using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using LlmGateway.Budgets.Ledger;
using LlmGateway.Caching;
using LlmGateway.Demo;
using LlmGateway.Metrics;
using LlmGateway.Metrics.Dashboard;
using LlmGateway.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Xunit.Abstractions;

namespace LlmGateway.Tests.Metrics;

/// <summary>The built-in dashboard in headless Chromium (Debian package chromium): sign-in by a one-time link, the rendered page, a screenshot in the test output.</summary>
public sealed class DashboardBrowserTests(ITestOutputHelper output) : IDisposable
{
    private readonly List<string> _profiles = [];

    private static readonly string[] ChromiumFlags =
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ];

    [Fact]
    public async Task Chromium_renders_spend_vs_budget_savings_and_latency_and_saves_a_screenshot()
    {
        var chromium = ExternalTool.Require("chromium", "chromium");
        await using var upstream = await FakeUpstream.StartAsync(new FakeUpstreamOptions { LatencyMs = 30 });
        await using var gateway = await GatewayHost.StartAsync(DashboardTests.Settings(upstream.BaseUrl));
        await DashboardTests.SendTrafficAsync(gateway);
        DashboardStandIns.Record(gateway);
        output.WriteLine("STAND-IN: cost, savings and budget series are recorded by the test (the budgets capability is not running here).");
        var dashboard = gateway.Url + "/admin/dashboard";
        var anonymous = await RunChromiumAsync(chromium, NewProfile(), "--dump-dom", dashboard);
        var loginShot = Path.Combine(AppContext.BaseDirectory, "TestResults", "admin-login.png");
        Directory.CreateDirectory(Path.GetDirectoryName(loginShot)!);
        await RunChromiumAsync(chromium, NewProfile(), "--screenshot=" + loginShot, "--window-size=800,500", "--hide-scrollbars", gateway.Url + "/admin/login");
        output.WriteLine("login screenshot: " + loginShot);
        // Sign in once with a one-time link; the session cookie stays in this browser profile.
        var profile = NewProfile();
        var signedIn = await RunChromiumAsync(chromium, profile, "--dump-dom", await LoginLinkAsync(gateway));
        var dom = await RunChromiumAsync(chromium, profile, "--dump-dom", dashboard);
        var screenshot = Path.Combine(AppContext.BaseDirectory, "TestResults", "metrics-dashboard.png");
        Directory.CreateDirectory(Path.GetDirectoryName(screenshot)!);
        File.Delete(screenshot);
        await RunChromiumAsync(chromium, profile, "--screenshot=" + screenshot, "--window-size=1280,1100", "--hide-scrollbars", dashboard);
        output.WriteLine("screenshot: " + screenshot);
        Assert.DoesNotContain("login-error", signedIn);

        Assert.Contains("name=\"key\"", anonymous); // sent to the sign-in form
        Assert.Contains("<main class=\"card\">", anonymous); // styled like the dashboard
        Assert.Contains("Spend vs budget per team", dom);
        Assert.Contains("No spend or savings in the ledger for these days.", dom); // stand-ins are not in the ledger
        // One row per team, a column per period: team-a has only a monthly budget, team-b only a daily one.
        Assert.Contains("<th>budget per day</th><th>budget per month</th>", dom);
        Assert.Matches(@"<td>team-a</td><td>7</td><td>2</td><td>\$85\.00</td><td>\$4\.25</td><td class=""muted"">–</td><td class=""budget"" data-period=""month"">\$85\.00 / \$100\.00 <span>85 %</span>", dom);
        Assert.Matches(@"<td>team-b</td>.*<td class=""budget"" data-period=""day"">\$12\.50 / \$10\.00 <span class=""bad"">125 %</span>", dom);
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(dom, "<td>team-a</td>"));
        Assert.Contains("<span class=\"bar warn\">", dom);
        Assert.Contains("<span class=\"bar over\">", dom);
        Assert.Matches(@"<tr><td>gpt-4o-mini</td><td>7</td><td>\d+ ms</td>", dom);
        Assert.Contains("saved by the cache since start</div><div class=\"v\">$4.25", dom);
        Assert.Contains("<td>main</td><td>5xx</td><td>1</td>", dom);

        var png = await File.ReadAllBytesAsync(screenshot);
        Assert.True(png.AsSpan(0, 8).SequenceEqual(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }), "not a PNG");
        Assert.Equal(1280, BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16)));
        Assert.Equal(1100, BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20)));
        Assert.True(png.Length > 20_000, $"a page with tables and bars compresses to more than a blank one ({png.Length} bytes)");
    }

    [Fact]
    public async Task Chromium_renders_spend_charts_from_the_ledger_and_health_charts_from_the_history_with_true_numbers()
    {
        var chromium = ExternalTool.Require("chromium", "chromium");
        // Thirty days of ledger written before the gateway starts, as a month of traffic would have left it.
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        var storage = GatewayHost.NewStoragePath();
        using (var ledger = UsageLedger.Open(LedgerKeeper.LedgerDirectory(storage)))
        {
            for (var ago = 1; ago < 30; ago++)
            {
                var at = new DateTimeOffset(today.AddDays(-ago), new TimeOnly(12, 0), TimeSpan.Zero);
                ledger.Append(new UsageRecord(at, "team-a", "0123456789ab", "gpt-4o-mini", "main", 1000, 0, 500, 0.40m + 0.05m * (ago % 7), 0m, CacheResult.Miss, false, "req_a" + ago));
                if (ago % 3 == 0)
                    ledger.Append(new UsageRecord(at, "team-a", "0123456789ab", "gpt-4o-mini", "cache", 800, 0, 300, 0m, 0.25m, CacheResult.Hit, false, "req_h" + ago));
                ledger.Append(new UsageRecord(at, "team-b", "ba9876543210", "text-embedding-3-small", "main", 1400, 0, 0, 0.000028m, 0m, CacheResult.Miss, false, "req_b" + ago));
            }
            await ledger.CommitAsync();
        }
        await using var upstream = await FakeUpstream.StartAsync(new FakeUpstreamOptions { LatencyMs = 30 });
        var settings = DashboardTests.Settings(upstream.BaseUrl);
        settings["Gateway:Storage:Path"] = storage;
        settings["Gateway:Prices:gpt-4o-mini:InputPer1M"] = "0.15";
        settings["Gateway:Prices:gpt-4o-mini:OutputPer1M"] = "0.60";
        settings["Gateway:Prices:text-embedding-3-small:InputPer1M"] = "0.02";
        settings["Gateway:Teams:team-a:Budget:MonthlyUsd"] = "40";
        settings["Gateway:Teams:team-b:Budget:DailyUsd"] = "0.0001";
        await using var gateway = await GatewayHost.StartAsync(settings, GatewayHost.WithClock(clock));

        // Ten minutes of traffic on the fake clock; the gateway's sampler takes one history point a minute. One 502 in the middle.
        var history = gateway.App.Services.GetRequiredService<MetricsHistory>();
        await WaitForSampleAsync(history, clock);
        var sent = 0;
        var perMinute = new List<int>();
        for (var minute = 1; minute <= 10; minute++)
        {
            perMinute.Add(1 + minute % 3 + (minute == 5 ? 1 : 0));
            sent += perMinute[^1];
            for (var i = 0; i < 1 + minute % 3; i++)
            {
                using var r = await gateway.Client().PostAsync("/v1/chat/completions", Json.Chat("mini", $"question {minute}-{i}"));
                Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            }
            if (minute == 5)
            {
                using var failed = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = Json.Chat("mini", "boom") };
                failed.Headers.Add("x-fake-status", "502");
                using var r = await gateway.Client().SendAsync(failed);
                Assert.Equal(HttpStatusCode.BadGateway, r.StatusCode);
            }
            // Request metrics are recorded as a response ends: wait for them so each lands in its own minute.
            await WaitForRequestsAsync(gateway, sent);
            clock.Advance(TimeSpan.FromMinutes(1));
            await WaitForSampleAsync(history, clock);
        }

        var dashboard = gateway.Url + "/admin/dashboard?days=30&hours=1";
        var profile = NewProfile();
        await RunChromiumAsync(chromium, profile, "--dump-dom", await LoginLinkAsync(gateway));
        var dom = await RunChromiumAsync(chromium, profile, "--dump-dom", dashboard);
        var screenshot = Path.Combine(AppContext.BaseDirectory, "TestResults", "metrics-dashboard-charts.png");
        Directory.CreateDirectory(Path.GetDirectoryName(screenshot)!);
        File.Delete(screenshot);
        await RunChromiumAsync(chromium, profile, "--screenshot=" + screenshot, "--window-size=1280,1600", "--hide-scrollbars", dashboard);
        output.WriteLine("screenshot: " + screenshot);
        var admin = gateway.Client(DashboardTests.AdminKey);
        var byTeam = await admin.GetStringAsync("/admin/dashboard/chart.csv?chart=spend-by-team&days=30");
        var requests = await admin.GetStringAsync("/admin/dashboard/chart.csv?chart=requests&hours=1");
        var errors = await admin.GetStringAsync("/admin/dashboard/chart.csv?chart=errors&hours=1");
        using var unknown = await admin.GetAsync("/admin/dashboard/chart.csv?chart=nope");

        // The charts and the period selector.
        foreach (var id in new[] { "spend-by-team", "spend-by-model", "team-1", "team-2", "requests", "errors", "latency", "cache" })
            Assert.Contains($"id=\"chart-{id}\"", dom);
        Assert.Contains("Where the money went: last 30 days", dom);
        Assert.Contains("Health: last 1 hour", dom);
        Assert.Contains("<a href=\"?days=7&amp;hours=1\">7 days</a>", dom);
        Assert.Contains("class=\"on\">30 days</a>", dom);
        // Rendered numbers: yesterday's bars and their hover text (dollars with their tokens), team-b's micro-spend at full precision.
        var yesterday = today.AddDays(-1).ToString("MM-dd", CultureInfo.InvariantCulture);
        var threeAgo = today.AddDays(-3).ToString("MM-dd", CultureInfo.InvariantCulture);
        Assert.Contains($"<title>{yesterday} team-a: $0.45 · $0.45 for 2,900 tokens spent, $0.00 for 0 tokens saved</title>", dom);
        Assert.Contains($"<title>{yesterday} team-b: $0.000028 · ", dom);
        Assert.Contains($"<title>{threeAgo} saved by the cache: $0.25 · $0.55 for 2,900 tokens spent, $0.25 for 1,100 tokens saved</title>", dom);
        Assert.Contains("<title>daily budget</title>", dom); // the dashed budget line
        Assert.DoesNotContain("$0.0000<", dom);
        // CSV of exactly what the charts show.
        var teamLines = byTeam.TrimEnd('\n').Split('\n');
        Assert.Equal("x,team-a (usd),team-b (usd),saved by the cache (usd)", teamLines[0]);
        Assert.Equal(31, teamLines.Length);
        Assert.Equal($"{yesterday},0.45,0.000028,0", teamLines[^2]);
        var rates = requests.TrimEnd('\n').Split('\n')[1..];
        Assert.Equal(10, rates.Length);
        Assert.Equal(perMinute.Select(n => n / 60.0), rates.Select(line => double.Parse(line.Split(',')[1], CultureInfo.InvariantCulture)), (a, b) => Math.Abs(a - b) < 1e-9);
        Assert.Equal("0.25", errors.TrimEnd('\n').Split('\n')[5].Split(',')[1]); // minute 5: 1 of 4 requests was a 502
        Assert.Equal("0", errors.TrimEnd('\n').Split('\n')[4].Split(',')[1]);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);

        var png = await File.ReadAllBytesAsync(screenshot);
        Assert.Equal(1600, BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20)));
        Assert.True(png.Length > 40_000, $"a page of charts compresses to more than a blank one ({png.Length} bytes)");
    }

    private static async Task WaitForSampleAsync(MetricsHistory history, TimeProvider clock) =>
        Assert.True(await Eventually.ReadAsync(() => history.LastSampleAt == clock.GetUtcNow(), taken => taken),
            "the history sampler did not take a point at " + clock.GetUtcNow());

    private static async Task WaitForRequestsAsync(GatewayHost gateway, int count)
    {
        var counted = await Eventually.ReadAsync(async () => MetricsSnapshot.Parse(await MetricsScrape.TextAsync(gateway)).Values(MetricFamilies.Requests).Sum(r => r.Value), n => n >= count);
        Assert.True(counted >= count, $"{count} requests were not counted ({counted})");
    }

    /// <summary>A one-time sign-in link (each browser run spends one).</summary>
    private static async Task<string> LoginLinkAsync(GatewayHost gateway)
    {
        using var response = await gateway.Client(DashboardTests.AdminKey).PostAsync("/admin/login-links", null);
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        return (await Json.ReadObjectAsync(response))["url"]!.GetValue<string>();
    }

    private string NewProfile()
    {
        var profile = Directory.CreateTempSubdirectory("llm-gateway-chromium-").FullName;
        _profiles.Add(profile);
        return profile;
    }

    public void Dispose()
    {
        foreach (var profile in _profiles)
            Directory.Delete(profile, recursive: true);
    }

    private static async Task<string> RunChromiumAsync(string chromium, string profile, params string[] args)
    {
        var result = await ExternalTool.RunAsync(chromium, [.. ChromiumFlags, "--user-data-dir=" + profile, .. args], timeout: TimeSpan.FromSeconds(90));
        Assert.True(result.ExitCode == 0, "chromium failed:\n" + result.Error);
        return result.Output;
    }
}
