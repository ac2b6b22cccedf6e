using System.Text;

namespace LlmGateway.Embeddings.Tokenizers;

/// <summary>Unicode normalisation form (NFC, NFD, NFKC, NFKD).</summary>
internal sealed record UnicodeFormNormalizer(NormalizationForm Form) : ITextNormalizer
{
    public string Normalize(string text) => BertNormalizer.SafeNormalize(text, Form);
}
