using System.Net;
using LlmGateway.Budgets.Finance;
using LlmGateway.Demo;
using LlmGateway.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace LlmGateway.Tests.Storage.Postgres;

/// <summary>Two gateway replicas on one PostgreSQL database behave like one gateway for budgets and the ledger.</summary>
[Collection(PostgresCollection.Name)]
public sealed class ReplicaTests(PostgresServer server)
{
    private async Task<Dictionary<string, string?>> SharedSettingsAsync(string upstream)
    {
        var settings = BudgetSettings.With(upstream, BudgetSettings.TempStorage());
        settings["Gateway:Storage:Provider"] = "postgres";
        settings["Gateway:Storage:ConnectionString"] = await server.CreateDatabaseAsync();
        return settings;
    }

    [Fact]
    public async Task Two_hundred_concurrent_requests_split_across_two_replicas_never_overspend_the_shared_budget()
    {
        await using var upstream = await FakeUpstream.StartAsync(new FakeUpstreamOptions { LatencyMs = 20 });
        var settings = await SharedSettingsAsync(upstream.BaseUrl);
        // As in ConcurrencyTests (one process): the fake's answers fit the 10-token cap, so every reservation covers its
        // real cost and the stated bound is zero overspend. Each replica alone would admit the whole budget.
        settings["Gateway:Prices:gpt-4o-mini:MaxOutputTokens"] = "10";
        settings["Gateway:Teams:team-a:Budget:DailyUsd"] = "0.0002";
        await using var a = await GatewayHost.StartAsync(settings);
        await using var b = await GatewayHost.StartAsync(new Dictionary<string, string?>(settings) { ["Gateway:Storage:Path"] = BudgetSettings.TempStorage() });
        HttpClient[] clients = [a.Client(), b.Client()];
        for (var i = 0; i < 12; i++) // $0.0000774 of $0.0002 spent first, half on each replica
            (await clients[i % 2].PostAsync("/v1/chat/completions", Json.Chat("mini", "a b c"))).EnsureSuccessStatusCode();

        var responses = await Task.WhenAll(Enumerable.Range(0, 200).Select(async i =>
        {
            using var response = await clients[i % 2].PostAsync("/v1/chat/completions", Json.Chat("mini", "a b c"));
            return (Replica: i % 2, response.StatusCode);
        }));

        var ok = responses.Count(r => r.StatusCode == HttpStatusCode.OK);
        Assert.Equal(200, ok + responses.Count(r => r.StatusCode == HttpStatusCode.TooManyRequests));
        var reader = a.App.Services.GetRequiredService<IUsageReader>();
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var rows = await Eventually.ReadAsync(() => reader.Usage(today.AddDays(-1), today.AddDays(1)), r => r.Sum(x => x.Requests) >= 12 + ok);
        var spent = rows.Sum(r => r.CostUsd);
        Assert.True(spent <= 0.0002m, $"spent {spent} over the 0.0002 limit");
        Assert.Equal(12 + ok, rows.Sum(r => r.Requests));
        // One process admits 2-19 here (ConcurrencyTests); two replicas with their own budgets would admit up to twice that.
        Assert.InRange(ok, 2, 19);
        Assert.Contains(responses, r => r.Replica == 0 && r.StatusCode == HttpStatusCode.OK);
        Assert.Contains(responses, r => r.Replica == 1 && r.StatusCode == HttpStatusCode.OK);
        await using var connection = new NpgsqlConnection(settings["Gateway:Storage:ConnectionString"]);
        await connection.OpenAsync();
        await using var reserved = new NpgsqlCommand("SELECT reserved_usd FROM budget_accounts WHERE team = 'team-a' AND key_id = ''", connection);
        Assert.Equal(0m, (decimal)(await reserved.ExecuteScalarAsync())!); // every reservation was settled or released
    }

    [Fact]
    public async Task An_unreachable_database_fails_startup_with_one_line_naming_the_setting_and_the_server()
    {
        var settings = GatewayHost.BasicSettings("http://127.0.0.1:1");
        var port = TcpPorts.Unused();
        settings["Gateway:Storage:Provider"] = "postgres";
        settings["Gateway:Storage:ConnectionString"] = $"Host=127.0.0.1;Port={port};Database=gateway;Username=gateway;Timeout=2";
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => GatewayHost.StartAsync(settings));
        Assert.StartsWith($"Gateway:Storage:ConnectionString: PostgreSQL at 127.0.0.1:{port}/gateway cannot be used: ", error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void A_postgres_provider_without_a_connection_string_is_a_config_error()
    {
        var settings = GatewayHost.BasicSettings("http://127.0.0.1:1");
        settings["Gateway:Storage:Provider"] = "postgres";
        var error = Assert.Throws<LlmGateway.Gateway.GatewayConfigException>(() => LlmGateway.Gateway.GatewayApp.Create([], builder =>
            Microsoft.Extensions.Configuration.MemoryConfigurationBuilderExtensions.AddInMemoryCollection(builder.Configuration, settings)));
        Assert.Contains(error.Errors, e => e.StartsWith("Gateway:Storage:ConnectionString: needed when Gateway:Storage:Provider is 'postgres'", StringComparison.Ordinal));
    }
}
