namespace LlmGateway.Budgets.Finance;

/// <summary>Usage rows of <see cref="From"/>..<see cref="To"/> (UTC days, inclusive) and each team's daily allowance, indexed by day.</summary>
internal sealed record SpendDays(DateOnly From, DateOnly To, IReadOnlyList<UsageRow> Rows, IReadOnlyDictionary<string, decimal?[]> DailyAllowance)
{
    public int Days => To.DayNumber - From.DayNumber + 1;
}
