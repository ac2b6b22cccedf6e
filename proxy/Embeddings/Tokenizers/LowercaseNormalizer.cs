namespace LlmGateway.Embeddings.Tokenizers;

/// <summary>Lower-cases the text.</summary>
internal sealed class LowercaseNormalizer : ITextNormalizer
{
    public string Normalize(string text) => text.ToLowerInvariant();
}
