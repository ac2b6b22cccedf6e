namespace LlmGateway.Budgets.Usage;

/// <summary>The configuration names of <see cref="TokenizerKind"/>: the tiktoken encoding names.</summary>
internal static class TokenizerKinds
{
    public const string Names = "o200k_base, cl100k_base, bytes";

    /// <summary>Parses a configured name; an absent one means <see cref="TokenizerKind.Bytes"/>.</summary>
    public static bool TryParse(string? name, out TokenizerKind kind)
    {
        kind = name?.Trim().ToLowerInvariant() switch
        {
            null or "" or "bytes" => TokenizerKind.Bytes,
            "o200k_base" => TokenizerKind.O200kBase,
            "cl100k_base" => TokenizerKind.Cl100kBase,
            _ => (TokenizerKind)(-1),
        };
        return Enum.IsDefined(kind);
    }

    public static string Name(TokenizerKind kind) => kind switch
    {
        TokenizerKind.O200kBase => "o200k_base",
        TokenizerKind.Cl100kBase => "cl100k_base",
        _ => "bytes",
    };

    /// <summary>The kind that bounds prompts for every candidate: their common tokenizer, else bytes.</summary>
    public static TokenizerKind Common(TokenizerKind a, TokenizerKind b) => a == b ? a : TokenizerKind.Bytes;
}
