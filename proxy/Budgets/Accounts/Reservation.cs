namespace LlmGateway.Budgets.Accounts;

/// <summary>What one request holds until it settles: the worst-case cost and tokens, on its team's and (if budgeted) its key's account.</summary>
internal sealed record Reservation(Account Team, Account? Key, decimal Usd, long Tokens);
