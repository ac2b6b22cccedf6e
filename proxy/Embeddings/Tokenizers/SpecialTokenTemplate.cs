namespace LlmGateway.Embeddings.Tokenizers;

/// <summary>The special tokens placed around a single sequence, e.g. [CLS] A [SEP] or &lt;s&gt; A &lt;/s&gt;.</summary>
internal sealed record SpecialTokenTemplate(long[] Prefix, long[] Suffix)
{
    public int Count => Prefix.Length + Suffix.Length;

    /// <summary>Writes prefix, content (via <paramref name="content"/>) and suffix; returns the total count.</summary>
    public int Apply(Span<long> ids, int maxTokens, ContentWriter content, ReadOnlySpan<char> text)
    {
        if (maxTokens < Count + 1)
        {
            throw new ArgumentOutOfRangeException(nameof(maxTokens), maxTokens, $"At least {Count + 1} tokens are needed.");
        }

        Prefix.CopyTo(ids);
        var sink = new TokenSink(ids[Prefix.Length..], maxTokens - Count);
        content(text, ref sink);
        var written = Prefix.Length + sink.Count;
        Suffix.CopyTo(ids[written..]);
        return written + Suffix.Length;
    }

    public delegate void ContentWriter(ReadOnlySpan<char> text, ref TokenSink sink);
}
