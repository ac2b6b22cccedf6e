using LlmGateway.Budgets.Ledger;

namespace LlmGateway.Budgets.Accounts;

/// <summary>Reserve before the forward, settle after it: the money side of a request, on the key's and the team's accounts.</summary>
internal sealed class BudgetEngine(AccountBook book) : IBudgetStore
{
    public AccountBook Book => book;

    /// <summary>Reserves on the key's account (when the key has its own budget) and the team's; null and a rejection when either does not fit.</summary>
    public Reservation? TryReserve(string team, string keyId, BudgetPolicy policy, decimal usd, long tokens, DateTimeOffset now, out BudgetRejection? rejection)
    {
        Account? key = null;
        if (policy.Keys.TryGetValue(keyId, out var keyPolicy))
        {
            key = book.Key(team, keyId);
            rejection = key.TryReserve(keyPolicy, usd, tokens, now);
            if (rejection is not null)
                return null;
        }
        var account = book.Team(team);
        rejection = account.TryReserve(policy, usd, tokens, now);
        if (rejection is not null)
        {
            key?.Release(usd, tokens);
            return null;
        }
        return new AccountReservation(account, key, usd, tokens);
    }

    /// <summary>Turns the reservation (if any) into the record's real spend; returns the team's newly crossed soft thresholds.</summary>
    public List<ThresholdCrossing>? Settle(Reservation? held, BudgetPolicy policy, UsageRecord record, DateTimeOffset now)
    {
        var reservation = (AccountReservation?)held;
        var key = reservation?.Key ?? book.Key(record.Team, record.KeyId);
        var keyPolicy = policy.Keys.GetValueOrDefault(record.KeyId) ?? BudgetPolicy.Unlimited;
        key.Settle(keyPolicy, reservation?.Key is null ? 0 : reservation.Usd, reservation?.Key is null ? 0 : reservation.Tokens, record.CostUsd, record.BilledTokens, now);
        var team = reservation?.Team ?? book.Team(record.Team);
        return team.Settle(policy, reservation?.Usd ?? 0, reservation?.Tokens ?? 0, record.CostUsd, record.BilledTokens, now);
    }

    /// <summary>Gives a reservation back unused (the request never reached a provider).</summary>
    public void Release(Reservation held)
    {
        var reservation = (AccountReservation)held;
        reservation.Key?.Release(reservation.Usd, reservation.Tokens);
        reservation.Team.Release(reservation.Usd, reservation.Tokens);
    }

    public PeriodBalance[] Balances(string team, BudgetPolicy policy, DateTimeOffset now) => book.Team(team).Balances(policy, now);
}
