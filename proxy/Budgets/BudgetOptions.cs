namespace LlmGateway.Budgets;

/// <summary><c>Gateway:Teams:{name}:Budget</c>: a team's spend limits per period, in its own time zone.</summary>
public sealed record BudgetOptions
{
    /// <summary>USD limit per calendar day (in <see cref="TimeZone"/>). None by default.</summary>
    public decimal? DailyUsd { get; init; }

    /// <summary>USD limit per ISO week (Monday 00:00 in <see cref="TimeZone"/>). None by default.</summary>
    public decimal? WeeklyUsd { get; init; }

    /// <summary>USD limit per calendar month. None by default.</summary>
    public decimal? MonthlyUsd { get; init; }

    /// <summary>Optional token limits (prompt + completion) per period.</summary>
    public long? DailyTokens { get; init; }

    public long? WeeklyTokens { get; init; }

    public long? MonthlyTokens { get; init; }

    /// <summary>Soft thresholds in percent of each USD limit; each fires once per period (webhook, log line, metric). Default 50, 80, 100.</summary>
    public List<int> SoftPercents { get; init; } = [];

    /// <summary>Where soft-threshold notifications are POSTed as JSON (retried). None by default.</summary>
    public string? WebhookUrl { get; init; }

    /// <summary>IANA time zone the periods follow (e.g. <c>Europe/Berlin</c>). Default UTC.</summary>
    public string TimeZone { get; init; } = "UTC";

    /// <summary>Optional budgets per key inside the team, by key id (the first 12 hex digits of the key's SHA-256).</summary>
    public Dictionary<string, KeyBudgetOptions> Keys { get; init; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The soft thresholds in effect (the default when none are configured).</summary>
    public IReadOnlyList<int> EffectiveSoftPercents => SoftPercents.Count > 0 ? SoftPercents : [50, 80, 100];
}
