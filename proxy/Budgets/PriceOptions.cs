namespace LlmGateway.Budgets;

/// <summary><c>Gateway:Prices:{model}</c>: USD per 1M tokens, matched on the model that answered (configured name, upstream name or an alias here).</summary>
public sealed record PriceOptions
{
    /// <summary>USD per 1M prompt (input) tokens.</summary>
    public decimal InputPer1M { get; init; }

    /// <summary>USD per 1M cached prompt tokens. Default: <see cref="InputPer1M"/>.</summary>
    public decimal? CachedInputPer1M { get; init; }

    /// <summary>USD per 1M completion (output) tokens.</summary>
    public decimal OutputPer1M { get; init; }

    /// <summary>Optional fixed fee per request, USD. Default 0.</summary>
    public decimal PerRequest { get; init; }

    /// <summary>More names this price applies to (e.g. dated snapshots of the model).</summary>
    public List<string> Aliases { get; init; } = [];

    /// <summary>The model's largest possible output in tokens, used to reserve the worst case when a request sets no <c>max_tokens</c>. Default: <c>Gateway:Accounting:DefaultMaxOutputTokens</c>.</summary>
    public int? MaxOutputTokens { get; init; }

    /// <summary>
    /// How the model's prompt tokens are bounded for reservations and estimated when the provider reports no usage:
    /// <c>o200k_base</c> or <c>cl100k_base</c> count them exactly with OpenAI's tokenizer; <c>bytes</c> (default) takes
    /// the body's UTF-8 length, right for any byte-level BPE tokenizer.
    /// </summary>
    public string? Tokenizer { get; init; }
}
