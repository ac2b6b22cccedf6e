namespace LlmGateway.Budgets.Finance;

/// <summary>
/// Usage of one team and model on one UTC day. Tokens have one meaning everywhere (this report, the CLI,
/// <c>/admin/budgets</c>' <c>spent_tokens</c>, <c>/metrics</c>' <c>llm_gateway_tokens_total</c>): <em>spent</em> tokens
/// were sent to a provider; a cache hit's tokens are <em>saved</em> (<see cref="SavedPromptTokens"/>,
/// <see cref="SavedCompletionTokens"/>), never spent. <see cref="CachedPromptTokens"/> is the provider's own prompt
/// cache (part of <see cref="PromptTokens"/>, billed at the cached price), not the gateway's cache.
/// </summary>
internal sealed record UsageRow(
    DateOnly Day,
    string Team,
    string Model,
    long Requests,
    long PromptTokens,
    long CachedPromptTokens,
    long CompletionTokens,
    decimal CostUsd,
    long SavedPromptTokens,
    long SavedCompletionTokens,
    decimal SavedUsd,
    long CacheHits,
    long EstimatedRequests)
{
    /// <summary>Prompt + completion tokens sent to a provider: what token budgets count.</summary>
    public long SpentTokens => PromptTokens + CompletionTokens;

    /// <summary>Tokens answered from the gateway's cache instead.</summary>
    public long SavedTokens => SavedPromptTokens + SavedCompletionTokens;
}
