using System.Net;
using System.Text.RegularExpressions;
using LlmGateway.Budgets.Ledger;
using LlmGateway.Demo;
using LlmGateway.Tests.Infrastructure;
using LlmGateway.Tests.Metrics;
using Microsoft.Extensions.DependencyInjection;

namespace LlmGateway.Tests.Budgets;

/// <summary>
/// A plain <c>rm -rf</c> of the ledger directory under a running gateway. FASTER recreates the directory and its commits
/// "succeed" into it, so nothing failed before: now the missing IDENTITY marker makes it a fault episode, noticed while
/// idle, and the gateway never reopens the stranger directory as if it were its ledger.
/// </summary>
public sealed class LedgerDirectoryRemovedTests
{
    [Fact]
    public async Task Removing_the_ledger_directory_is_a_fault_episode_refused_with_503_on_readyz_and_the_metric_until_it_is_restored()
    {
        await using var upstream = await FakeUpstream.StartAsync(new FakeUpstreamOptions());
        var storage = BudgetSettings.TempStorage();
        var settings = BudgetSettings.With(upstream.BaseUrl, storage);
        settings["Gateway:Accounting:LedgerRetryMs"] = "50";
        await using var gateway = await GatewayHost.StartAsync(settings);
        var client = gateway.Client();
        for (var i = 0; i < 2; i++)
            (await client.PostAsync("/v1/chat/completions", Json.Chat("mini", $"before {i}"))).EnsureSuccessStatusCode();
        Assert.Equal(2, (await BudgetSettings.WaitForRecordsAsync(gateway, 2)).Count);
        var directory = LedgerKeeper.LedgerDirectory(storage);
        var backup = Path.Combine(storage, "backup");
        CopyDirectory(directory, backup); // what an operator would restore

        Directory.Delete(directory, recursive: true);

        // Noticed with no request in flight: the idle check of the directory.
        var ready = await Readiness.WaitForAsync(gateway, HttpStatusCode.ServiceUnavailable);
        Assert.Contains("ledger: Unhealthy", ready);
        Assert.Contains("removed or replaced", ready);
        Assert.Single(gateway.Logs.Lines, l => l.Contains("[6013]") && l.Contains("removed or replaced"));
        Assert.Matches(new Regex(@"^llm_gateway_ledger_faulted(\{[^}]*\})? 1$", RegexOptions.Multiline), await MetricsScrape.TextAsync(gateway));
        using (var refused = await client.PostAsync("/v1/chat/completions", Json.Chat("mini", "refused")))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
            Assert.NotNull(refused.Headers.RetryAfter);
            Assert.Contains("\"code\":\"ledger_unavailable\"", await refused.Content.ReadAsStringAsync());
        }
        // The reopen attempts find no directory, or one FASTER recreated without the marker, and keep failing.
        var attempts = await Eventually.ReadAsync(() => gateway.Logs.Lines.Count(l => l.Contains("[6250]")), n => n >= 2);
        Assert.True(attempts >= 2, "the gateway did not keep refusing the replaced directory");

        // Restored from the copy (same IDENTITY): the gateway takes it back.
        if (Directory.Exists(directory))
            Directory.Delete(directory, recursive: true);
        CopyDirectory(backup, directory);
        Assert.Equal("Healthy", await Readiness.WaitForAsync(gateway, HttpStatusCode.OK));
        // The keeper clears its fault (readiness turns healthy) just before it logs the recovery: wait for the line.
        Assert.Equal(1, await Eventually.ReadAsync(() => gateway.Logs.Lines.Count(l => l.Contains("[6014]")), n => n >= 1));
        (await client.PostAsync("/v1/chat/completions", Json.Chat("mini", "after"))).EnsureSuccessStatusCode();
        var records = await BudgetSettings.WaitForRecordsAsync(gateway, 3);
        Assert.Equal(3, records.Count);
        // The third record is readable once appended; it leaves the keeper's memory at the next group commit.
        var keeper = gateway.App.Services.GetRequiredService<LedgerKeeper>();
        Assert.Equal(0, await Eventually.ReadAsync(() => keeper.Unrecorded, n => n == 0));
    }

    private static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        // LOCK is held (flock) by the running gateway and is empty: a backup does not need it.
        foreach (var file in Directory.GetFiles(from, "*", SearchOption.AllDirectories).Where(f => Path.GetFileName(f) != "LOCK"))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            using var source = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var copy = File.Create(target);
            source.CopyTo(copy);
        }
    }
}
