using LlmGateway.Budgets.Accounts;
using LlmGateway.Budgets.Ledger;
using LlmGateway.Budgets.RateLimiting;
using LlmGateway.Gateway;

namespace LlmGateway.Budgets;

/// <summary>
/// One request's settlement, run exactly once: when a later step ends the response early, or else when the
/// pipeline returns to the budgets step. It records the usage and waits for the record's group commit.
/// </summary>
internal sealed class PendingSettlement(
    Settler settler, HttpContext context, IGatewayExchange exchange, BudgetsConfig config, BudgetPolicy policy,
    Reservation? reservation, RateLimitDecision? decision)
{
    private Task? _settled;

    public Task SettleAsync() => _settled ??= RunAsync();

    private async Task RunAsync()
    {
        var entry = settler.Settle(context, exchange, config, policy, reservation, decision);
        if (entry is not null && config.Accounting.AwaitCommit)
            await Settler.WaitDurableAsync(entry);
    }
}
