using System.Text;

namespace LlmGateway.Embeddings.Tokenizers;

/// <summary>
/// SentencePiece's <c>Precompiled</c> normaliser, as the reference (@huggingface/transformers) implements it:
/// drop control characters, turn listed spaces into U+0020, then NFKC (keeping U+FF5E). The real precompiled
/// character map is not interpreted; the reference does not interpret it either.
/// </summary>
internal sealed class PrecompiledNormalizer : ITextNormalizer
{
    public string Normalize(string text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (c is (>= '\u0001' and <= '\u0008') or '\u000B' or (>= '\u000E' and <= '\u001F') or '\u007F' or '\u008F' or '\u009F')
            {
                continue;
            }

            var space = c is '\u0009' or '\u000A' or '\u000C' or '\u000D' or '\u00A0' or '\u1680' or (>= '\u2000' and <= '\u200F')
                or '\u2028' or '\u2029' or '\u202F' or '\u205F' or '\u2581' or '\u3000' or '\uFEFF' or '\uFFFD';
            builder.Append(space ? ' ' : c);
        }

        var cleaned = builder.ToString();
        if (!cleaned.Contains('\uFF5E'))
        {
            return BertNormalizer.SafeNormalize(cleaned, NormalizationForm.FormKC);
        }

        return string.Join('\uFF5E', cleaned.Split('\uFF5E').Select(p => BertNormalizer.SafeNormalize(p, NormalizationForm.FormKC)));
    }
}
