using LlmGateway.Budgets.Ledger;

namespace LlmGateway.Budgets.Accounts;

/// <summary>
/// Where budgets live: reserve before the forward, settle or release after it, read balances. <see cref="BudgetEngine"/>
/// keeps them in this process (FASTER provider); <c>Storage/Postgres/PostgresBudgetStore</c> in PostgreSQL, shared by replicas.
/// Both admit a reservation only when <c>spent + reserved + reservation ≤ limit</c> for every period, atomically.
/// </summary>
internal interface IBudgetStore
{
    /// <summary>Reserves on the key's account (when the key has its own budget) and the team's; null and a rejection when either does not fit.</summary>
    Reservation? TryReserve(string team, string keyId, BudgetPolicy policy, decimal usd, long tokens, DateTimeOffset now, out BudgetRejection? rejection);

    /// <summary>Turns the reservation (if any) into the record's real spend; returns the team's newly crossed soft thresholds.</summary>
    List<ThresholdCrossing>? Settle(Reservation? reservation, BudgetPolicy policy, UsageRecord record, DateTimeOffset now);

    /// <summary>Gives a reservation back unused (the request never reached a provider).</summary>
    void Release(Reservation reservation);

    /// <summary>The team's balances in its current periods.</summary>
    PeriodBalance[] Balances(string team, BudgetPolicy policy, DateTimeOffset now);
}
