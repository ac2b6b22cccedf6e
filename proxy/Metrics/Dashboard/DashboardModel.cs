namespace LlmGateway.Metrics.Dashboard;

/// <summary>
/// What the built-in dashboard shows: totals since the gateway started (one collection), and the charts: spend per day
/// of the last <see cref="Days"/> days (ledger) and health per minute of the last <see cref="Hours"/> hours.
/// </summary>
internal sealed record DashboardModel
{
    public required DateTimeOffset At { get; init; }
    public required string Version { get; init; }
    public required string Commit { get; init; }
    public required long Requests { get; init; }
    public required double ServerErrorRatio { get; init; }
    public required double CostUsd { get; init; }
    public required double SavedUsd { get; init; }
    /// <summary>Hits / (hits + misses); NaN before any lookup.</summary>
    public required double CacheHitRatio { get; init; }
    public required double LatencySloSeconds { get; init; }
    /// <summary>False until the budgets capability records cost: the page then says so instead of showing zeros as facts.</summary>
    public required bool HasCost { get; init; }
    public required bool HasBudgets { get; init; }
    public required IReadOnlyList<TeamRow> Teams { get; init; }
    public required IReadOnlyList<ModelRow> Models { get; init; }
    public required IReadOnlyList<UpstreamErrorRow> UpstreamErrors { get; init; }
    /// <summary>Tokens sent to providers (a cache hit's tokens are saved, not spent).</summary>
    public long Tokens { get; init; }
    public int Days { get; init; } = 30;
    public int Hours { get; init; } = 6;
    public IReadOnlyList<ChartData> FinanceCharts { get; init; } = [];
    public IReadOnlyList<ChartData> HealthCharts { get; init; } = [];

    /// <summary><see cref="Rejections"/>: requests refused by rate limits and budgets.</summary>
    public sealed record TeamRow(string Team, long Requests, double CostUsd, double SavedUsd, long Rejections, IReadOnlyList<BudgetRow> Budgets)
    {
        /// <summary>Tokens sent to providers.</summary>
        public long Tokens { get; init; }
    }

    /// <summary>One budget period of a team; <see cref="UsedRatio"/> is spent / limit (NaN without a limit).</summary>
    public sealed record BudgetRow(string Period, double SpentUsd, double LimitUsd, double RemainingUsd)
    {
        public double UsedRatio => LimitUsd > 0 ? SpentUsd / LimitUsd : double.NaN;
    }

    /// <summary>Latencies in seconds (NaN without observations).</summary>
    public sealed record ModelRow(string Model, long Requests, double CostUsd, double SavedUsd, double P50, double P95, double P99,
        double TtftP50, double TtftP95, double ServerErrorRatio, double CacheHitRatio)
    {
        /// <summary>Tokens sent to providers.</summary>
        public long Tokens { get; init; }
    }

    public sealed record UpstreamErrorRow(string Provider, string Reason, long Count);

    /// <summary>The verified cache (Gateway:Cache:MaxErrorRate) for one team and model; empty when no lookup ran under a bound.</summary>
    public IReadOnlyList<BoundRow> Bound { get; init; } = [];

    /// <summary>Candidates served, explored and skipped under the bound; explorations found the same or different; their cost; the estimated error rate (NaN: none).</summary>
    public sealed record BoundRow(string Team, string Model, long Served, long Explored, long Skipped, long Same, long Different, double ExplorationCostUsd, double EstimatedErrorRate);
}
