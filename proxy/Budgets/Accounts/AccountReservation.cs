namespace LlmGateway.Budgets.Accounts;

/// <summary>A reservation held in this process, on its team's and (if budgeted) its key's account.</summary>
internal sealed record AccountReservation(Account Team, Account? Key, decimal Usd, long Tokens) : Reservation(Usd, Tokens);
