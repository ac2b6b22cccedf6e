using System.Text.RegularExpressions;

namespace LlmGateway.Embeddings.Tokenizers;

/// <summary>Replaces every match of a literal string or a regular expression.</summary>
internal sealed class ReplaceNormalizer(string? literal, Regex? regex, string content) : ITextNormalizer
{
    public string Normalize(string text) =>
        regex is not null ? regex.Replace(text, content) : string.IsNullOrEmpty(literal) ? text : text.Replace(literal, content, StringComparison.Ordinal);
}
