namespace LlmGateway.Budgets.Ledger;

/// <summary>One account's buckets in a <see cref="LedgerSnapshot"/>: <c>[bucket index, usd, tokens]</c>.</summary>
internal sealed record AccountSnapshot(string Team, string? KeyId, List<BucketSnapshot> Buckets);
