using System.Text.Json.Nodes;
using LlmGateway.Budgets.Ledger;
using LlmGateway.Caching;
using LlmGateway.Gateway;

namespace LlmGateway.Tests.Budgets;

public sealed class UsageCommandTests
{
    private static UsageRecord Record(string time, string team, string model, decimal cost, decimal saved = 0, CacheResult cache = CacheResult.Miss, bool estimated = false) =>
        new(DateTimeOffset.Parse(time), team, "0123456789ab", model, "main", 100, 10, 20, cost, saved, cache, estimated, "req_" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task The_cli_report_groups_the_ledger_by_day_team_and_model_between_two_dates()
    {
        var storage = BudgetSettings.TempStorage();
        using (var ledger = UsageLedger.Open(LedgerKeeper.LedgerDirectory(storage)))
        {
            ledger.Append(Record("2026-10-31T23:59:59Z", "search", "gpt-4o-mini", 1m));          // before the range
            ledger.Append(Record("2026-11-01T00:00:00Z", "search", "gpt-4o-mini", 0.000001m));
            ledger.Append(Record("2026-11-01T12:00:00Z", "search", "gpt-4o-mini", 0.000002m, estimated: true));
            ledger.Append(Record("2026-11-01T13:00:00Z", "search", "gpt-4o-mini", 0m, saved: 0.5m, cache: CacheResult.Hit));
            ledger.Append(Record("2026-11-30T23:00:00Z", "ads, \"west\"", "gpt-4o", 0.25m));
            ledger.Append(Record("2026-12-01T00:00:00Z", "search", "gpt-4o-mini", 1m));         // after the range
            await ledger.CommitAsync();
        }

        var csv = new StringWriter();
        Assert.Equal(0, await GatewayCommandLine.InvokeAsync(["usage", "--from", "2026-11-01", "--to", "2026-11-30", "--storage", storage], csv, TextWriter.Null));
        var json = new StringWriter();
        Assert.Equal(0, await GatewayCommandLine.InvokeAsync(["usage", "--from", "2026-11-01", "--to", "2026-11-30", "--storage", storage, "--format", "json"], json, TextWriter.Null));

        Assert.Equal(
            "day,team,model,requests,prompt_tokens,cached_prompt_tokens,completion_tokens,cost_usd,saved_usd,cache_hits,estimated_requests\n" +
            "2026-11-01,search,gpt-4o-mini,3,300,30,60,0.000003,0.5,1,1\n" +
            "2026-11-30,\"ads, \"\"west\"\"\",gpt-4o,1,100,10,20,0.25,0,0,0\n",
            csv.ToString());
        var report = JsonNode.Parse(json.ToString())!;
        Assert.Equal(0.250003m, report["total_cost_usd"]!.GetValue<decimal>());
        Assert.Equal(0.5m, report["total_saved_usd"]!.GetValue<decimal>());
        Assert.Equal(2, report["rows"]!.AsArray().Count);
    }

    [Theory]
    [InlineData("--from", "2026-11-30", "--to", "2026-11-01")] // to before from
    [InlineData("--from", "2026-11-01", "--to", "30.11.2026")]
    public async Task Bad_dates_print_the_usage_and_fail(params string[] dates)
    {
        var error = new StringWriter();
        Assert.Equal(2, await GatewayCommandLine.InvokeAsync(["usage", .. dates], TextWriter.Null, error));
        Assert.Contains("usage: LlmGateway usage", error.ToString());
    }

    [Theory]
    [InlineData("usage", "--to", "2026-11-30")] // --from missing
    [InlineData("usage", "--from", "2026-11-01", "--to", "2026-11-30", "--format", "xml")]
    public async Task Arguments_the_parser_rejects_fail_as_a_usage_error(params string[] args)
    {
        var error = new StringWriter();
        Assert.Equal(2, await GatewayCommandLine.InvokeAsync(args, TextWriter.Null, error));
        Assert.Contains(args.Contains("xml") ? "'xml'" : "'--from' is required", error.ToString());
    }
}
