using LlmGateway.Budgets.Accounts;
using LlmGateway.Gateway;

namespace LlmGateway.Budgets.Finance;

/// <summary>
/// Spend, savings and tokens per UTC day of the last days, from the durable ledger (so the dashboard's finance charts
/// survive restarts), with each team's daily budget allowance for the budget line. Reads the whole ledger, as
/// <c>/admin/usage</c> does.
/// </summary>
internal sealed class SpendHistory(IUsageReader usage, BudgetsConfigProvider budgets, GatewayConfigStore config, TimeProvider time)
{
    public SpendDays Read(int days)
    {
        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        var from = today.AddDays(1 - days);
        var rows = usage.Usage(from, today);
        var policies = budgets.Current;
        var teams = config.Current.Options.Teams.Keys.Concat(rows.Select(r => r.Team)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var allowances = teams.ToDictionary(t => t, t => DailyAllowance(policies.PolicyFor(t), from, days), StringComparer.Ordinal);
        return new SpendDays(from, today, rows, allowances);
    }

    /// <summary>
    /// What a team may spend on each day: its daily limit, else its weekly limit / 7, else its monthly limit / the days
    /// of that month; null without a dollar limit. Spend above the line on many days runs out the budget early.
    /// </summary>
    private static decimal?[] DailyAllowance(BudgetPolicy policy, DateOnly from, int days)
    {
        var allowance = new decimal?[days];
        for (var i = 0; i < days; i++)
        {
            var day = from.AddDays(i);
            allowance[i] = policy.Limits[(int)BudgetPeriod.Day]?.Usd
                ?? policy.Limits[(int)BudgetPeriod.Week]?.Usd / 7
                ?? policy.Limits[(int)BudgetPeriod.Month]?.Usd / DateTime.DaysInMonth(day.Year, day.Month);
        }
        return allowance;
    }
}
