using LlmGateway.Budgets.Usage;
using LlmGateway.Capture;

namespace LlmGateway.Budgets.Pricing;

/// <summary>A model's price in USD, all in <see cref="decimal"/> so sums never drift.</summary>
internal sealed record ModelPrice(string Name, decimal InputPer1M, decimal CachedInputPer1M, decimal OutputPer1M, decimal PerRequest, int? MaxOutputTokens,
    TokenizerKind Tokenizer = TokenizerKind.Bytes)
{
    private const decimal Million = 1_000_000m;

    public static readonly ModelPrice Zero = new("(unpriced)", 0, 0, 0, 0, null);

    public static ModelPrice From(string name, PriceOptions options) =>
        new(name, options.InputPer1M, options.CachedInputPer1M ?? options.InputPer1M, options.OutputPer1M, options.PerRequest, options.MaxOutputTokens,
            TokenizerKinds.TryParse(options.Tokenizer, out var tokenizer) ? tokenizer : TokenizerKind.Bytes);

    /// <summary>Cost of <paramref name="usage"/>: uncached prompt, cached prompt and completion tokens at their rates, plus the per-request fee.</summary>
    public decimal Cost(TokenUsage usage) => Cost(usage.PromptTokens, usage.CachedPromptTokens, usage.CompletionTokens);

    public decimal Cost(long promptTokens, long cachedPromptTokens, long completionTokens)
    {
        var cached = Math.Clamp(cachedPromptTokens, 0, promptTokens);
        return ((promptTokens - cached) * InputPer1M + cached * CachedInputPer1M + completionTokens * OutputPer1M) / Million + PerRequest;
    }

    /// <summary>The larger of two prices, rate by rate (reservations price the worst candidate); bytes unless both count tokens alike.</summary>
    public ModelPrice Max(ModelPrice other) => new(
        Name,
        Math.Max(InputPer1M, other.InputPer1M),
        Math.Max(CachedInputPer1M, other.CachedInputPer1M),
        Math.Max(OutputPer1M, other.OutputPer1M),
        Math.Max(PerRequest, other.PerRequest),
        MaxOutputTokens is { } a && other.MaxOutputTokens is { } b ? Math.Max(a, b) : null,
        TokenizerKinds.Common(Tokenizer, other.Tokenizer));
}
