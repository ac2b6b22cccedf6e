using LlmGateway.Gateway;

namespace LlmGateway.Metrics.Dashboard;

/// <summary>Turns a <see cref="MetricsSnapshot"/> into the <see cref="DashboardModel"/>: sums by team and model, hit ratio, latency quantiles.</summary>
internal static class DashboardBuilder
{
    public static DashboardModel Build(MetricsSnapshot s, GatewayState config, BuildInfo build, TimeSpan latencySlo, DateTimeOffset at)
    {
        var requests = s.Values(MetricFamilies.Requests);
        var cost = s.Values(MetricFamilies.CostUsd);
        var saved = s.Values(MetricFamilies.SavedUsd);
        var durations = s.Histograms(MetricFamilies.RequestDuration);
        var ttft = s.Histograms(MetricFamilies.TimeToFirstToken);
        var tokens = s.Values(MetricFamilies.Tokens);

        var teamNames = config.Options.Teams.Keys.Concat(requests.Select(r => r.Label("team")))
            .Concat(cost.Select(c => c.Label("team"))).Concat(s.Values(MetricFamilies.BudgetLimit).Select(b => b.Label("team")))
            .Where(t => t.Length > 0 && t != MetricLabels.None).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);
        var teams = teamNames.Select(team => new DashboardModel.TeamRow(
            team,
            (long)Sum(requests, "team", team),
            Sum(cost, "team", team),
            Sum(saved, "team", team),
            (long)Sum(s.Values(MetricFamilies.Rejections), "team", team),
            Budgets(s, team)) { Tokens = (long)Sum(tokens, "team", team) }).ToList();

        var modelNames = requests.Select(r => r.Label("model")).Concat(cost.Select(c => c.Label("model")))
            .Where(m => m.Length > 0 && m != MetricLabels.None).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);
        var models = modelNames.Select(model =>
        {
            var modelRequests = requests.Where(r => r.Label("model") == model).ToList();
            var counts = HistogramQuantile.Merge(durations.Where(d => d.Label("model") == model), out var bounds);
            var firstToken = HistogramQuantile.Merge(ttft.Where(d => d.Label("model") == model), out var ttftBounds);
            return new DashboardModel.ModelRow(
                model,
                (long)modelRequests.Sum(r => r.Value),
                Sum(cost, "model", model),
                Sum(saved, "model", model),
                HistogramQuantile.Estimate(0.50, bounds, counts),
                HistogramQuantile.Estimate(0.95, bounds, counts),
                HistogramQuantile.Estimate(0.99, bounds, counts),
                HistogramQuantile.Estimate(0.50, ttftBounds, firstToken),
                HistogramQuantile.Estimate(0.95, ttftBounds, firstToken),
                Ratio(modelRequests.Where(r => r.Label("status_class") == "5xx").Sum(r => r.Value), modelRequests.Sum(r => r.Value)),
                HitRatio(modelRequests.Where(r => r.Label("cache") == "hit").Sum(r => r.Value), modelRequests.Where(r => r.Label("cache") == "miss").Sum(r => r.Value)))
            { Tokens = (long)Sum(tokens, "model", model) };
        }).ToList();

        var lookups = s.Values(MetricFamilies.CacheLookups);
        var hitRatio = lookups.Count > 0
            ? HitRatio(lookups.Where(l => l.Label("result") == "hit").Sum(l => l.Value), lookups.Where(l => l.Label("result") != "hit").Sum(l => l.Value))
            : HitRatio(requests.Where(r => r.Label("cache") == "hit").Sum(r => r.Value), requests.Where(r => r.Label("cache") == "miss").Sum(r => r.Value));

        var total = requests.Sum(r => r.Value);
        return new DashboardModel
        {
            At = at,
            Version = build.Version,
            Commit = build.Commit,
            Requests = (long)total,
            ServerErrorRatio = Ratio(requests.Where(r => r.Label("status_class") == "5xx").Sum(r => r.Value), total),
            CostUsd = cost.Sum(c => c.Value),
            Tokens = (long)tokens.Sum(t => t.Value),
            SavedUsd = saved.Sum(c => c.Value),
            CacheHitRatio = hitRatio,
            LatencySloSeconds = latencySlo.TotalSeconds,
            HasCost = s.Has(MetricFamilies.CostUsd),
            HasBudgets = s.Has(MetricFamilies.BudgetLimit) || s.Has(MetricFamilies.BudgetSpent),
            Teams = teams,
            Models = models,
            UpstreamErrors = s.Values(MetricFamilies.UpstreamErrors)
                .GroupBy(e => (Provider: e.Label("provider"), Reason: e.Label("reason")))
                .Select(g => new DashboardModel.UpstreamErrorRow(g.Key.Provider, g.Key.Reason, (long)g.Sum(e => e.Value)))
                .OrderByDescending(e => e.Count).ToList(),
            Bound = Bound(s),
        };
    }

    private static List<DashboardModel.BoundRow> Bound(MetricsSnapshot s)
    {
        var verdicts = s.Values(MetricFamilies.CacheBoundVerdicts);
        var explorations = s.Values(MetricFamilies.CacheExplorations);
        var cost = s.Values(MetricFamilies.CacheExplorationCostUsd);
        var rates = s.Values(MetricFamilies.CacheEstimatedErrorRate);
        static bool Of(MetricsSnapshot.Sample sample, (string Team, string Model) key) => sample.Label("team") == key.Team && sample.Label("model") == key.Model;
        long Count(IReadOnlyList<MetricsSnapshot.Sample> samples, (string, string) key, string label, string value) =>
            (long)samples.Where(v => Of(v, key) && v.Label(label) == value).Sum(v => v.Value);
        return verdicts.Concat(rates).Select(v => (Team: v.Label("team"), Model: v.Label("model"))).Distinct().Order()
            .Select(key => new DashboardModel.BoundRow(key.Team, key.Model,
                Count(verdicts, key, "verdict", "serve"), Count(verdicts, key, "verdict", "explore"), Count(verdicts, key, "verdict", "skip"),
                Count(explorations, key, "outcome", "same"), Count(explorations, key, "outcome", "different"),
                cost.Where(c => Of(c, key)).Sum(c => c.Value),
                rates.FirstOrDefault(r => Of(r, key))?.Value ?? double.NaN))
            .ToList();
    }

    private static List<DashboardModel.BudgetRow> Budgets(MetricsSnapshot s, string team)
    {
        var limits = s.Values(MetricFamilies.BudgetLimit).Where(b => b.Label("team") == team);
        var spent = s.Values(MetricFamilies.BudgetSpent).Where(b => b.Label("team") == team);
        var periods = limits.Select(b => b.Label("period")).Concat(spent.Select(b => b.Label("period"))).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);
        return periods.Select(period =>
        {
            var limit = One(s.Values(MetricFamilies.BudgetLimit), team, period);
            var used = One(s.Values(MetricFamilies.BudgetSpent), team, period);
            var remaining = s.Values(MetricFamilies.BudgetRemaining).Any(b => b.Label("team") == team && b.Label("period") == period)
                ? One(s.Values(MetricFamilies.BudgetRemaining), team, period)
                : Math.Max(0, limit - used);
            return new DashboardModel.BudgetRow(period, used, limit, remaining);
        }).ToList();
    }

    private static double One(IReadOnlyList<MetricsSnapshot.Sample> samples, string team, string period) =>
        samples.Where(b => b.Label("team") == team && b.Label("period") == period).Sum(b => b.Value);

    private static double Sum(IReadOnlyList<MetricsSnapshot.Sample> samples, string label, string value) =>
        samples.Where(x => x.Label(label) == value).Sum(x => x.Value);

    private static double Ratio(double part, double whole) => whole > 0 ? part / whole : double.NaN;

    private static double HitRatio(double hits, double misses) => Ratio(hits, hits + misses);
}
