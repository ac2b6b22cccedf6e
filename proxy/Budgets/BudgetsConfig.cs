using System.Collections.Frozen;
using LlmGateway.Budgets.Accounts;
using LlmGateway.Budgets.Pricing;

namespace LlmGateway.Budgets;

/// <summary>What budgets use from one configuration generation, built once per generation. Immutable.</summary>
internal sealed class BudgetsConfig(long generation, PriceTable prices, AccountingOptions accounting, FrozenDictionary<string, BudgetPolicy> policies, BudgetsSettings teams)
{
    public long Generation { get; } = generation;

    public PriceTable Prices { get; } = prices;

    public AccountingOptions Accounting { get; } = accounting;

    /// <summary>
    /// Cost accounting (pricing, reservations, the ledger) is on once any price or any team budget is configured.
    /// With neither, there is nothing to price against and the step only applies rate limits.
    /// </summary>
    public bool Active => Prices.Count > 0 || policies.Count > 0;

    /// <summary>The team's rate limits (<c>Gateway:Teams:{team}:RateLimit</c>); null when it has none.</summary>
    public RateLimitOptions? RateLimitFor(string team) => teams.RateLimitFor(team);

    public BudgetPolicy PolicyFor(string team) => policies.GetValueOrDefault(team) ?? BudgetPolicy.Unlimited;

    public IEnumerable<string> BudgetedTeams => policies.Keys;
}
