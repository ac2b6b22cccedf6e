using LlmGateway.Caching;

namespace LlmGateway.Budgets.Ledger;

/// <summary>One settled request, as appended to the ledger. Never changed once written.</summary>
internal sealed record UsageRecord(
    DateTimeOffset Time,
    string Team,
    string KeyId,
    string Model,
    string Provider,
    long PromptTokens,
    long CachedPromptTokens,
    long CompletionTokens,
    decimal CostUsd,
    decimal SavedUsd,
    CacheResult CacheResult,
    bool Estimated,
    string RequestId)
{
    /// <summary>The model named in the records of pass-through calls (<c>Gateway:PassThroughPaths</c>), which are not metered.</summary>
    public const string PassThroughModel = "(pass-through)";

    /// <summary>Tokens that count against token budgets and rate limits (a cache hit sends none upstream).</summary>
    public long BilledTokens => CacheResult == CacheResult.Hit ? 0 : PromptTokens + CompletionTokens;
}
