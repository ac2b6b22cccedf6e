using System.Buffers.Binary;
using LlmGateway.Demo;
using LlmGateway.Tests.Infrastructure;
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
        Assert.Contains("Spend vs budget per team", dom);
        Assert.Matches(@"<td>team-a</td><td>7</td><td>2</td><td>\$85\.00</td><td>\$4\.25</td><td>\$85\.00 / \$100\.00 per month</td><td>85 %</td>", dom);
        Assert.Matches(@"<td>team-b</td>.*\$12\.50 / \$10\.00 per day</td><td class=""bad"">125 %</td>", dom);
        Assert.Contains("<span class=\"bar warn\">", dom);
        Assert.Contains("<span class=\"bar over\">", dom);
        Assert.Matches(@"<tr><td>gpt-4o-mini</td><td>7</td><td>\d+ ms</td>", dom);
        Assert.Contains("saved by the cache</div><div class=\"v\">$4.25", dom);
        Assert.Contains("<td>main</td><td>5xx</td><td>1</td>", dom);

        var png = await File.ReadAllBytesAsync(screenshot);
        Assert.True(png.AsSpan(0, 8).SequenceEqual(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }), "not a PNG");
        Assert.Equal(1280, BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16)));
        Assert.Equal(1100, BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20)));
        Assert.True(png.Length > 20_000, $"a page with tables and bars compresses to more than a blank one ({png.Length} bytes)");
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
