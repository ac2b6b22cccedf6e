namespace LlmGateway.Budgets.Usage;

/// <summary>How prompt tokens of a priced model are bounded: <c>Gateway:Prices:{model}:Tokenizer</c>.</summary>
internal enum TokenizerKind
{
    /// <summary>Unknown tokenizer: a token covers at least one UTF-8 byte, so bytes bound the tokens.</summary>
    Bytes,

    /// <summary>OpenAI's o200k_base (gpt-4o, gpt-4.1, o-series).</summary>
    O200kBase,

    /// <summary>OpenAI's cl100k_base (gpt-4, gpt-3.5-turbo, text-embedding-3-*).</summary>
    Cl100kBase,
}
