using System.Collections.Concurrent;
using System.Net;
using LlmGateway.Budgets.Finance;
using LlmGateway.Demo;
using LlmGateway.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace LlmGateway.Tests.Storage.Postgres;

/// <summary>PostgreSQL going away while the gateway serves: money fails closed, nothing served is lost, and the gateway recovers by itself.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresOutageTests(PostgresServer server)
{
    [Fact]
    public async Task A_database_restart_during_traffic_refuses_with_503_while_down_recovers_and_loses_no_record()
    {
        await using var upstream = await FakeUpstream.StartAsync(new FakeUpstreamOptions { LatencyMs = 5 });
        var settings = BudgetSettings.With(upstream.BaseUrl, BudgetSettings.TempStorage());
        settings["Gateway:Storage:Provider"] = "postgres";
        settings["Gateway:Storage:ConnectionString"] = await server.CreateDatabaseAsync();
        settings["Gateway:Teams:team-a:Budget:DailyUsd"] = "100";
        settings["Gateway:Accounting:LedgerRetryMs"] = "200";
        await using var gateway = await GatewayHost.StartAsync(settings);
        var statuses = new ConcurrentQueue<(HttpStatusCode Status, string Body)>();
        using var stop = new CancellationTokenSource();
        var traffic = Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            var client = gateway.Client();
            while (!stop.IsCancellationRequested)
            {
                using var response = await client.PostAsync("/v1/chat/completions", Json.Chat("mini", "a b c"));
                statuses.Enqueue((response.StatusCode, await response.Content.ReadAsStringAsync()));
            }
        })));
        int Served() => statuses.Count(s => s.Status == HttpStatusCode.OK);
        var readiness = gateway.Client(key: null);

        await Eventually.ReadAsync(Served, n => n >= 20);
        await server.StopAsync();
        try
        {
            var down = await Eventually.ReadAsync(async () => (await readiness.GetAsync("/readyz")).StatusCode, s => s == HttpStatusCode.ServiceUnavailable);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, down);
            var refused = await Eventually.ReadAsync(() => statuses.Count(s => s.Status == HttpStatusCode.ServiceUnavailable), n => n >= 3);
            Assert.True(refused >= 3, "no request was refused while the database was down");
        }
        finally
        {
            await server.StartAsync();
        }
        var up = await Eventually.ReadAsync(async () => (await readiness.GetAsync("/readyz")).StatusCode, s => s == HttpStatusCode.OK);
        Assert.Equal(HttpStatusCode.OK, up);
        var before = Served();
        await Eventually.ReadAsync(Served, n => n >= before + 20);
        await stop.CancelAsync();
        await traffic;

        var served = Served();
        var reader = gateway.App.Services.GetRequiredService<IUsageReader>();
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var rows = await Eventually.ReadAsync(() => reader.Usage(today.AddDays(-1), today.AddDays(1)), r => r.Sum(x => x.Requests) >= served);
        Assert.Equal(served, rows.Sum(r => r.Requests)); // every answered request has exactly one record
        Assert.All(statuses.Where(s => s.Status != HttpStatusCode.OK), s =>
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, s.Status);
            Assert.Contains("ledger_unavailable", s.Body);
        });
    }
}
