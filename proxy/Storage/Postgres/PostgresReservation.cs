using LlmGateway.Budgets.Accounts;

namespace LlmGateway.Storage.Postgres;

/// <summary>A reservation held in PostgreSQL: rows of <c>budget_reservations</c> under <see cref="Id"/> (the team's, and the key's when it has a budget).</summary>
internal sealed record PostgresReservation(Guid Id, string Team, string? KeyId, decimal Usd, long Tokens) : Reservation(Usd, Tokens);
