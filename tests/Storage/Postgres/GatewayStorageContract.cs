using System.Net;
using System.Net.Http.Headers;
using LlmGateway.Auth;
using LlmGateway.Budgets.Finance;
using LlmGateway.Demo;
using LlmGateway.Gateway;
using LlmGateway.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace LlmGateway.Tests.Storage.Postgres;

/// <summary>
/// The ledger and finance side of a storage provider, through the real gateway: every request ends in one record, the
/// finance API and the usage CLI report the same rows, and spend survives a restart (FASTER replays its log; PostgreSQL
/// keeps the balances). Run against both providers.
/// </summary>
public abstract class GatewayStorageContract
{
    private const string AdminKey = "sk-admin-storage";

    /// <summary>Storage settings of a new, empty store.</summary>
    private protected abstract Task<Dictionary<string, string?>> NewStorageAsync();

    /// <summary>The CLI arguments that point <c>usage</c> at that store.</summary>
    private protected abstract string[] CliStorage(Dictionary<string, string?> storage);

    private static Dictionary<string, string?> Settings(string upstream, Dictionary<string, string?> storage)
    {
        var settings = BudgetSettings.With(upstream, BudgetSettings.TempStorage());
        foreach (var (key, value) in storage)
            settings[key] = value;
        settings["Gateway:Admin:KeySha256:0"] = TeamKeys.Sha256Hex(AdminKey);
        return settings;
    }

    private protected static Task<List<UsageRow>> WaitForRequestsAsync(GatewayHost gateway, int count)
    {
        var reader = gateway.App.Services.GetRequiredService<IUsageReader>();
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        return Eventually.ReadAsync(() => reader.Usage(today.AddDays(-1), today.AddDays(1)), rows => rows.Sum(r => r.Requests) >= count);
    }

    [Fact]
    public async Task Every_request_is_one_record_and_the_finance_api_and_the_cli_report_the_same_rows()
    {
        await using var upstream = await FakeUpstream.StartAsync(new FakeUpstreamOptions());
        var storage = await NewStorageAsync();
        await using var gateway = await GatewayHost.StartAsync(Settings(upstream.BaseUrl, storage));
        var client = gateway.Client();
        for (var i = 0; i < 3; i++)
            (await client.PostAsync("/v1/chat/completions", Json.Chat("mini", "a b c"))).EnsureSuccessStatusCode();
        var rows = await WaitForRequestsAsync(gateway, 3);

        var row = Assert.Single(rows);
        Assert.Equal(("team-a", "gpt-4o-mini", 3L), (row.Team, row.Model, row.Requests));
        Assert.True(row.CostUsd > 0);
        var admin = gateway.Client(key: null);
        admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminKey);
        var today = row.Day.ToString("yyyy-MM-dd"); // the day the requests were recorded (not the wall clock's, which may have moved on)
        var api = await admin.GetStringAsync($"/admin/usage?from={today}&to={today}&format=csv");
        var cli = new StringWriter();
        Assert.Equal(0, await GatewayCommandLine.InvokeAsync(["usage", "--from", today, "--to", today, .. CliStorage(storage)], cli, TextWriter.Null));
        Assert.Equal(UsageReport.Csv(rows), api);
        Assert.Equal(api, cli.ToString());
    }

    [Fact]
    public async Task Spend_survives_a_restart_and_still_stops_the_budget()
    {
        await using var upstream = await FakeUpstream.StartAsync(new FakeUpstreamOptions());
        var settings = Settings(upstream.BaseUrl, await NewStorageAsync());
        settings["Gateway:Prices:gpt-4o-mini:MaxOutputTokens"] = "10";
        settings["Gateway:Teams:team-a:Budget:DailyUsd"] = "0.0001"; // a handful of these requests
        int admitted;
        await using (var first = await GatewayHost.StartAsync(settings))
        {
            var client = first.Client();
            for (admitted = 0; admitted < 50; admitted++)
            {
                using var response = await client.PostAsync("/v1/chat/completions", Json.Chat("mini", "a b c"));
                if (response.StatusCode == HttpStatusCode.TooManyRequests)
                    break;
                response.EnsureSuccessStatusCode();
            }
            Assert.InRange(admitted, 2, 49);
            await WaitForRequestsAsync(first, admitted);
        }
        // A fresh store would admit the request again; this one remembers the spend.
        await using var second = await GatewayHost.StartAsync(settings);
        using var refused = await second.Client().PostAsync("/v1/chat/completions", Json.Chat("mini", "a b c"));
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Contains("budget_exceeded", await refused.Content.ReadAsStringAsync());
        Assert.Equal(admitted, (await WaitForRequestsAsync(second, admitted)).Sum(r => r.Requests));
    }
}
