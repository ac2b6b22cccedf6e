using LlmGateway.Auth;
using LlmGateway.Budgets.Accounts;
using LlmGateway.Budgets.Ledger;
using LlmGateway.Budgets.RateLimiting;
using LlmGateway.Capture;
using LlmGateway.Gateway;

namespace LlmGateway.Budgets;

/// <summary>
/// One request's settlement, run exactly once: when a later step ends the response early, or else when the
/// pipeline returns to the budgets step. It records the usage and waits for the record's group commit.
/// </summary>
internal sealed class PendingSettlement(
    Settler settler, HttpContext context, GatewayRequest request, TeamIdentity team, BudgetsConfig config, BudgetPolicy policy,
    Reservation? reservation, RateLimitDecision? decision, CapturedResponse capture)
{
    private Task? _settled;

    public Task SettleAsync() => _settled ??= RunAsync();

    private async Task RunAsync()
    {
        var entry = settler.Settle(context, request, team, config, policy, reservation, decision, capture);
        if (entry is not null && config.Accounting.AwaitCommit)
            await Settler.WaitDurableAsync(entry);
    }
}
