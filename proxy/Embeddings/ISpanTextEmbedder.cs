namespace LlmGateway.Embeddings;

/// <summary>
/// An embedder that works synchronously on spans, for the allocation-free path (the hashing embedder).
/// Check for it with <c>embedder is ISpanTextEmbedder</c>.
/// </summary>
public interface ISpanTextEmbedder : ITextEmbedder
{
    /// <summary>Writes the L2-normalised vector of <paramref name="text"/> into <paramref name="destination"/> (length <see cref="ITextEmbedder.Dimension"/>).</summary>
    void Embed(ReadOnlySpan<char> text, Span<float> destination);
}
