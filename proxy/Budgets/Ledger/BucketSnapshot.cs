namespace LlmGateway.Budgets.Ledger;

/// <summary>Spend in one 15-minute bucket (index = UTC ticks / 15 min).</summary>
internal sealed record BucketSnapshot(long Bucket, decimal Usd, long Tokens);
