using System.Reflection;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using LlmGateway.Metrics;

namespace LlmGateway.Tests.Metrics;

/// <summary>The Grafana dashboard and the alert rules only use valid PromQL and family names the gateway exports.</summary>
public sealed partial class DashboardAndRuleFilesTests
{
    private static readonly string Root = ExternalTool.RepositoryRoot();

    private static HashSet<string> KnownSeriesNames()
    {
        var families = typeof(MetricFamilies).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral).Select(f => (string)f.GetRawConstantValue()!).ToList();
        return families.Concat(families.SelectMany(f => new[] { f + "_bucket", f + "_sum", f + "_count" })).ToHashSet();
    }

    private static List<string> GrafanaExpressions()
    {
        var dashboard = JsonNode.Parse(File.ReadAllText(Path.Combine(Root, "config", "grafana", "llm-gateway.json")))!;
        return dashboard["panels"]!.AsArray()
            .SelectMany(p => p!["targets"]?.AsArray() ?? [])
            .Select(t => t!["expr"]!.GetValue<string>()).ToList();
    }

    [GeneratedRegex(@"\bllm_gateway_[a-z_]+\b")]
    private static partial Regex SeriesName();

    [Fact]
    public void The_grafana_dashboard_is_well_formed_and_covers_finance_and_sre()
    {
        var dashboard = JsonNode.Parse(File.ReadAllText(Path.Combine(Root, "config", "grafana", "llm-gateway.json")))!;
        var panels = dashboard["panels"]!.AsArray();
        Assert.Equal("llm-gateway", dashboard["uid"]!.GetValue<string>());
        Assert.Equal(panels.Count, panels.Select(p => p!["id"]!.GetValue<int>()).Distinct().Count());
        Assert.All(panels.Where(p => p!["type"]!.GetValue<string>() != "row"), p =>
        {
            Assert.NotEmpty(p!["targets"]!.AsArray());
            Assert.Equal("${datasource}", p["datasource"]!["uid"]!.GetValue<string>());
        });
        var all = string.Join("\n", GrafanaExpressions());
        foreach (var family in new[]
        {
            MetricFamilies.CostUsd, MetricFamilies.SavedUsd, MetricFamilies.BudgetSpent, MetricFamilies.BudgetLimit,
            MetricFamilies.RequestDuration + "_bucket", MetricFamilies.TimeToFirstToken + "_bucket", MetricFamilies.UpstreamErrors,
            MetricFamilies.CacheLookups, MetricFamilies.Requests,
        })
            Assert.Contains(family, all);
    }

    [Fact]
    public void Dashboard_and_alert_rules_only_name_families_the_gateway_exports()
    {
        var known = KnownSeriesNames();
        var rules = File.ReadAllText(Path.Combine(Root, "config", "prometheus", "alerts.yml"));
        var used = GrafanaExpressions().Append(rules).SelectMany(e => SeriesName().Matches(e).Select(m => m.Value)).ToHashSet();

        Assert.NotEmpty(used);
        Assert.All(used, name => Assert.True(known.Contains(name), $"{name} is not a family the gateway exports (MetricFamilies)"));
    }

    [Fact]
    public async Task Every_dashboard_query_is_valid_promql()
    {
        var promtool = ExternalTool.Require("promtool", "prometheus");
        var dir = Directory.CreateTempSubdirectory("llm-gateway-grafana-");
        try
        {
            var rules = new System.Text.StringBuilder("groups:\n  - name: dashboard\n    rules:\n");
            var i = 0;
            foreach (var expr in GrafanaExpressions())
            {
                var concrete = expr.Replace("$__rate_interval", "1m").Replace("$__range", "1h").Replace("$team", ".*").Replace("$model", ".*");
                rules.Append($"      - record: dashboard:query_{i++}\n        expr: {JsonValue.Create(concrete).ToJsonString()}\n");
            }
            var file = Path.Combine(dir.FullName, "dashboard-queries.yml");
            await File.WriteAllTextAsync(file, rules.ToString());

            var result = await ExternalTool.RunAsync(promtool, ["check", "rules", file]);

            Assert.True(result.ExitCode == 0, result.All + "\n" + rules);
            Assert.Contains($"SUCCESS: {i} rules found", result.All);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
