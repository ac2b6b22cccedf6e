using System.Collections.Frozen;

namespace LlmGateway.Budgets.Accounts;

/// <summary>A team's (or key's) budget as validated from config: its zone, limits, thresholds and webhook. Immutable.</summary>
internal sealed class BudgetPolicy(TimeZoneInfo zone, PeriodLimit?[] limits, IReadOnlyList<int> softPercents, Uri? webhook, FrozenDictionary<string, BudgetPolicy> keys)
{
    public static readonly BudgetPolicy Unlimited = new(TimeZoneInfo.Utc, new PeriodLimit?[3], [], null, FrozenDictionary<string, BudgetPolicy>.Empty);

    public TimeZoneInfo Zone { get; } = zone;

    /// <summary>Indexed by <see cref="BudgetPeriod"/>; null where the period has no limit.</summary>
    public PeriodLimit?[] Limits { get; } = limits;

    public IReadOnlyList<int> SoftPercents { get; } = softPercents;

    public Uri? Webhook { get; } = webhook;

    public FrozenDictionary<string, BudgetPolicy> Keys { get; } = keys;

    public bool HasLimits => Limits.Any(l => l is not null);

    public static BudgetPolicy From(BudgetOptions? options)
    {
        if (options is null)
            return Unlimited;
        var zone = TimeZoneInfo.FindSystemTimeZoneById(options.TimeZone);
        var keys = options.Keys.ToFrozenDictionary(
            k => k.Key,
            k => new BudgetPolicy(zone, LimitsOf(k.Value.DailyUsd, k.Value.WeeklyUsd, k.Value.MonthlyUsd, null, null, null), [], null, FrozenDictionary<string, BudgetPolicy>.Empty),
            StringComparer.OrdinalIgnoreCase);
        return new BudgetPolicy(zone,
            LimitsOf(options.DailyUsd, options.WeeklyUsd, options.MonthlyUsd, options.DailyTokens, options.WeeklyTokens, options.MonthlyTokens),
            options.EffectiveSoftPercents.Order().ToArray(),
            options.WebhookUrl is { Length: > 0 } url ? new Uri(url) : null,
            keys);
    }

    private static PeriodLimit?[] LimitsOf(decimal? dayUsd, decimal? weekUsd, decimal? monthUsd, long? dayTokens, long? weekTokens, long? monthTokens) =>
    [
        dayUsd is null && dayTokens is null ? null : new PeriodLimit(BudgetPeriod.Day, dayUsd, dayTokens),
        weekUsd is null && weekTokens is null ? null : new PeriodLimit(BudgetPeriod.Week, weekUsd, weekTokens),
        monthUsd is null && monthTokens is null ? null : new PeriodLimit(BudgetPeriod.Month, monthUsd, monthTokens),
    ];
}
