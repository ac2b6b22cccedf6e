namespace LlmGateway.Embeddings.Tokenizers;

/// <summary>Removes combining marks (the reference removes every \p{M}, without decomposing first).</summary>
internal sealed class StripAccentsNormalizer : ITextNormalizer
{
    public string Normalize(string text) => JsText.RemoveMarks(text, allMarks: true);
}
