using System.Text.Json.Nodes;
using LlmGateway.Budgets.Ledger;
using LlmGateway.Caching;
using LlmGateway.Gateway;
using LlmGateway.Tests.Infrastructure;

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
            "day,team,model,requests,prompt_tokens,cached_prompt_tokens,completion_tokens,cost_usd,saved_prompt_tokens,saved_completion_tokens,saved_usd,cache_hits,estimated_requests\n" +
            // The hit's tokens are saved, not spent: two misses spent 200 + 40, the hit saved 100 + 20.
            "2026-11-01,search,gpt-4o-mini,3,200,20,40,0.000003,100,20,0.5,1,1\n" +
            "2026-11-30,\"ads, \"\"west\"\"\",gpt-4o,1,100,10,20,0.25,0,0,0,0,0\n",
            csv.ToString());
        var report = JsonNode.Parse(json.ToString())!;
        Assert.Equal(0.250003m, report["total_cost_usd"]!.GetValue<decimal>());
        Assert.Equal(0.5m, report["total_saved_usd"]!.GetValue<decimal>());
        Assert.Equal((360L, 120L), (report["total_spent_tokens"]!.GetValue<long>(), report["total_saved_tokens"]!.GetValue<long>()));
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

    [Fact]
    public async Task Arguments_the_parser_rejects_fail_as_a_usage_error()
    {
        var error = new StringWriter();
        Assert.Equal(2, await GatewayCommandLine.InvokeAsync(["usage", "--from", "2026-11-01", "--to", "2026-11-30", "--format", "xml"], TextWriter.Null, error));
        Assert.Contains("'xml'", error.ToString());
    }

    [Theory]
    [InlineData(new string[0], "2026-12-01", "2026-12-31")]                      // the current month
    [InlineData(new[] { "--from", "2026-11-03" }, "2026-11-03", "2026-11-30")]    // to the end of that month
    [InlineData(new[] { "--to", "2026-10-15" }, "2026-10-01", "2026-10-15")]      // from the start of that month
    public async Task Without_dates_the_report_reads_the_current_month_and_says_which_range_it_read(string[] dates, string from, string to)
    {
        var storage = BudgetSettings.TempStorage();
        using (var ledger = UsageLedger.Open(LedgerKeeper.LedgerDirectory(storage)))
        {
            ledger.Append(Record("2026-10-10T10:00:00Z", "search", "gpt-4o-mini", 0.5m));
            ledger.Append(Record("2026-11-20T10:00:00Z", "search", "gpt-4o-mini", 0.25m));
            ledger.Append(Record("2026-12-02T10:00:00Z", "search", "gpt-4o-mini", 0.125m));
            await ledger.CommitAsync();
        }
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.Parse("2026-12-05T08:00:00Z"));
        var json = new StringWriter();
        var error = new StringWriter();

        Assert.Equal(0, await GatewayCommandLine.InvokeAsync(["usage", "--storage", storage, "--format", "json", .. dates], json, error, clock));

        var report = JsonNode.Parse(json.ToString())!;
        Assert.Equal((from, to), (report["from"]!.GetValue<string>(), report["to"]!.GetValue<string>()));
        Assert.Single(report["rows"]!.AsArray());
        Assert.StartsWith($"Usage from {from} to {to} (UTC days, both included)", error.ToString());
        Assert.Contains("1 row(s)", error.ToString());
    }
}
