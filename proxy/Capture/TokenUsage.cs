namespace LlmGateway.Capture;

/// <summary>Tokens of one answer, from the provider's <c>usage</c> or, when it gave none, estimated from the text.</summary>
internal sealed record TokenUsage(long PromptTokens, long CachedPromptTokens, long CompletionTokens, bool Estimated)
{
    public static readonly TokenUsage None = new(0, 0, 0, Estimated: false);

    public long TotalTokens => PromptTokens + CompletionTokens;
}
