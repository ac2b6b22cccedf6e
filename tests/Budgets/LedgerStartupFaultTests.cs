using LlmGateway.Budgets.Accounts;
using LlmGateway.Budgets.Ledger;
using LlmGateway.Demo;
using LlmGateway.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace LlmGateway.Tests.Budgets;

/// <summary>
/// Storage that is damaged or unusable before the gateway starts: it starts with a clear error when continuing would lose
/// records, and rebuilds (saying so) what can be rebuilt.
/// </summary>
public sealed class LedgerStartupFaultTests
{
    [Fact]
    public async Task A_corrupt_commit_file_stops_the_start_with_a_clear_error_and_overwrites_nothing()
    {
        await using var upstream = await FakeUpstream.StartAsync(new FakeUpstreamOptions());
        var storage = BudgetSettings.TempStorage();
        await WriteTwoRecordsAsync(upstream, storage);
        var directory = LedgerKeeper.LedgerDirectory(storage);
        var commit = Directory.GetFiles(Path.Combine(directory, "log-commits")).Single();
        var good = await File.ReadAllBytesAsync(commit);
        var segment = await File.ReadAllBytesAsync(Path.Combine(directory, "fasterlog.log.0"));
        await File.WriteAllBytesAsync(commit, Enumerable.Repeat((byte)0x5A, good.Length).ToArray());

        var error = await Assert.ThrowsAnyAsync<Exception>(() => GatewayHost.StartAsync(BudgetSettings.With(upstream.BaseUrl, storage)));

        Assert.Contains("none of its 1 commit file(s) in log-commits/ is readable", error.GetBaseException().Message);
        Assert.Contains(directory, error.GetBaseException().Message);
        Assert.Equal(segment, await File.ReadAllBytesAsync(Path.Combine(directory, "fasterlog.log.0")));
        // Restored from a backup, the ledger opens with both records.
        await File.WriteAllBytesAsync(commit, good);
        await using var restarted = await GatewayHost.StartAsync(BudgetSettings.With(upstream.BaseUrl, storage));
        Assert.Equal(2, BudgetSettings.Records(restarted).Count);
    }

    [Fact]
    public async Task Missing_commit_files_stop_the_start_too()
    {
        await using var upstream = await FakeUpstream.StartAsync(new FakeUpstreamOptions());
        var storage = BudgetSettings.TempStorage();
        await WriteTwoRecordsAsync(upstream, storage);
        Directory.Delete(Path.Combine(LedgerKeeper.LedgerDirectory(storage), "log-commits"), recursive: true);

        var error = await Assert.ThrowsAnyAsync<Exception>(() => GatewayHost.StartAsync(BudgetSettings.With(upstream.BaseUrl, storage)));

        Assert.Contains("it has no commit file", error.GetBaseException().Message);
    }

    [Fact]
    public async Task An_unreadable_balance_snapshot_is_rebuilt_from_the_ledger_and_says_so()
    {
        await using var upstream = await FakeUpstream.StartAsync(new FakeUpstreamOptions());
        var storage = BudgetSettings.TempStorage();
        var spent = await WriteTwoRecordsAsync(upstream, storage);
        await File.WriteAllTextAsync(Path.Combine(LedgerKeeper.LedgerDirectory(storage), LedgerSnapshot.FileName), "{\"UntilAddress\": 12, \"Acc");

        await using var restarted = await GatewayHost.StartAsync(BudgetSettings.With(upstream.BaseUrl, storage));

        Assert.Single(restarted.Logs.Lines, l => l.Contains("[6251]") && l.Contains("it is unreadable"));
        Assert.Equal(spent, Spent(restarted));
    }

    [Fact]
    public async Task A_storage_path_that_is_not_a_directory_stops_the_start_naming_the_path()
    {
        await using var upstream = await FakeUpstream.StartAsync(new FakeUpstreamOptions());
        var storage = Path.Combine(BudgetSettings.TempStorage(), "volume");
        await File.WriteAllTextAsync(storage, "an unmounted volume's mount point, or a mistake");

        var error = await Assert.ThrowsAnyAsync<Exception>(() => GatewayHost.StartAsync(BudgetSettings.With(upstream.BaseUrl, storage)));

        Assert.Contains(storage, error.GetBaseException().Message);
    }

    /// <summary>Runs a gateway for two billed requests and stops it; returns the team's spend as its accounts held it.</summary>
    private static async Task<decimal> WriteTwoRecordsAsync(FakeUpstream upstream, string storage)
    {
        await using var gateway = await GatewayHost.StartAsync(BudgetSettings.With(upstream.BaseUrl, storage));
        var client = gateway.Client();
        for (var i = 0; i < 2; i++)
            (await client.PostAsync("/v1/chat/completions", Json.Chat("mini", $"question {i}"))).EnsureSuccessStatusCode();
        Assert.Equal(2, (await BudgetSettings.WaitForRecordsAsync(gateway, 2)).Count);
        var spent = Spent(gateway);
        Assert.True(spent > 0);
        return spent;
    }

    private static decimal Spent(GatewayHost gateway) =>
        gateway.App.Services.GetRequiredService<AccountBook>().Team("team-a").Buckets().Sum(b => b.Usd);
}
