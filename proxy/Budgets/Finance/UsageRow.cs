namespace LlmGateway.Budgets.Finance;

/// <summary>Usage of one team and model on one UTC day.</summary>
internal sealed record UsageRow(
    DateOnly Day,
    string Team,
    string Model,
    long Requests,
    long PromptTokens,
    long CachedPromptTokens,
    long CompletionTokens,
    decimal CostUsd,
    decimal SavedUsd,
    long CacheHits,
    long EstimatedRequests);
