using System.Collections.Concurrent;
using System.Net;
using LlmGateway.Budgets.Ledger;
using LlmGateway.Demo;
using LlmGateway.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace LlmGateway.Tests.Budgets;

/// <summary>
/// Storage vanishes while commits are in flight (requests keep settling every few milliseconds), several times, and comes
/// back: every served request is in the ledger exactly once after a restart. A commit that FASTER completed into a
/// directory it recreated at the vanished path (its commit file lands there, its records in the moved files) must not
/// count as durable.
/// </summary>
public sealed class CommitInFlightTests
{
    private const int Clients = 8;
    private const int Episodes = 3;

    [Fact]
    public async Task Storage_pulled_under_in_flight_commits_loses_no_record_and_writes_none_twice()
    {
        await using var upstream = await FakeUpstream.StartAsync(new FakeUpstreamOptions());
        var folder = BudgetSettings.TempStorage();
        var storage = Path.Combine(folder, "data");
        var away = Path.Combine(folder, "away");
        var settings = BudgetSettings.With(upstream.BaseUrl, storage);
        settings["Gateway:Accounting:OnLedgerFailure"] = "Serve"; // keep requests (and commits) flowing through the fault
        settings["Gateway:Accounting:LedgerRetryMs"] = "50";
        settings["Gateway:Accounting:CommitTimeoutMs"] = "500";
        var gateway = await GatewayHost.StartAsync(settings);
        var keeper = gateway.App.Services.GetRequiredService<LedgerKeeper>();
        var served = new ConcurrentBag<string>();
        using var stop = new CancellationTokenSource();
        var clients = Enumerable.Range(0, Clients).Select(c => SendUntilAsync(gateway, c, served, stop.Token)).ToArray();

        for (var episode = 0; episode < Episodes; episode++)
        {
            var before = served.Count;
            await Eventually.ReadAsync(() => served.Count, n => n >= before + 20);
            await StorageVolume.VanishAsync(storage, away);
            await Eventually.ReadAsync(() => keeper.Fault, f => f is not null);
            await StorageVolume.ReturnAsync(storage, away);
            var fault = await Eventually.ReadAsync(() => keeper.Fault, f => f is null);
            Assert.True(fault is null, $"still failing: {fault}\n{string.Join('\n', gateway.Logs.Lines.Where(l => l.Contains("Ledger")))}");
        }
        await stop.CancelAsync();
        await Task.WhenAll(clients);
        Assert.Equal(0, await Eventually.ReadAsync(() => keeper.Unrecorded, n => n == 0));
        await gateway.DisposeAsync();
        Assert.DoesNotContain(gateway.Logs.Lines, l => l.Contains("[6015]")); // nothing reported lost: storage came back each time

        using var ledger = UsageLedger.Open(LedgerKeeper.LedgerDirectory(storage), readOnly: true);
        var recorded = ledger.Read().Select(r => r.Record!.RequestId).ToList();
        Assert.True(served.Count > Episodes * 20, $"only {served.Count} requests were served");
        Assert.Empty(served.Except(recorded));
        Assert.Empty(recorded.GroupBy(id => id).Where(g => g.Count() > 1).Select(g => g.Key));
    }

    private static async Task SendUntilAsync(GatewayHost gateway, int client, ConcurrentBag<string> served, CancellationToken stop)
    {
        using var http = gateway.Client();
        for (var i = 0; !stop.IsCancellationRequested; i++)
        {
            var id = $"c{client}-{i}";
            using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = Json.Chat("mini", $"question {id}") };
            request.Headers.Add("x-request-id", id);
            using var response = await http.SendAsync(request, CancellationToken.None);
            await response.Content.ReadAsStringAsync(CancellationToken.None);
            if (response.StatusCode == HttpStatusCode.OK)
                served.Add(id);
        }
    }
}
