namespace LlmGateway.Budgets.Accounts;

/// <summary>What one request holds until it settles: the worst-case cost and tokens. Each <see cref="IBudgetStore"/> has its own kind.</summary>
internal abstract record Reservation(decimal Usd, long Tokens);
