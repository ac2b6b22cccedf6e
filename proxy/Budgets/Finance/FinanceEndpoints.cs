using LlmGateway.Budgets.Accounts;
using LlmGateway.Gateway;

namespace LlmGateway.Budgets.Finance;

/// <summary>
/// The finance API on the admin group: <c>GET /admin/budgets</c> (spend and remaining budget per team and period)
/// and <c>GET /admin/usage?from=&amp;to=&amp;format=json|csv</c> (usage grouped by day, team and model, from the ledger; default: the current month).
/// </summary>
internal static class FinanceEndpoints
{
    public static void Map(RouteGroupBuilder admin)
    {
        admin.MapGet("/budgets", (GatewayConfigStore store, BudgetsConfigProvider configs, IBudgetStore budgets, TimeProvider time) =>
        {
            var config = configs.Current;
            var now = time.GetUtcNow();
            var teams = store.Current.Options.Teams.Keys.Order(StringComparer.Ordinal).Select(team =>
            {
                var policy = config.PolicyFor(team);
                return new
                {
                    team,
                    time_zone = policy.Zone.Id,
                    periods = budgets.Balances(team, policy, now).Select(b => new
                    {
                        period = PeriodCalendar.Name(b.Period),
                        start = b.Start,
                        resets_at = b.End,
                        spent_usd = b.SpentUsd,
                        reserved_usd = b.ReservedUsd,
                        limit_usd = b.LimitUsd,
                        remaining_usd = b.LimitUsd is { } l ? Math.Max(0, l - b.SpentUsd) : (decimal?)null,
                        spent_tokens = b.SpentTokens,
                        limit_tokens = b.LimitTokens,
                    }),
                };
            });
            return Results.Json(new { now, accounting = config.Active, teams });
        });

        admin.MapGet("/usage", (string? from, string? to, string? format, IUsageReader usage, TimeProvider time) =>
        {
            if (!UsageReport.TryParseDates(from, to, time, out var fromDay, out var toDay, out var error))
                return OpenAiError.Result(StatusCodes.Status400BadRequest, error!, OpenAiError.InvalidRequest, "from");
            var rows = usage.Usage(fromDay, toDay);
            return string.Equals(format, "csv", StringComparison.OrdinalIgnoreCase)
                ? Results.Text(UsageReport.Csv(rows), "text/csv; charset=utf-8")
                : Results.Text(UsageReport.Json(rows, fromDay, toDay), "application/json; charset=utf-8");
        });
    }
}
