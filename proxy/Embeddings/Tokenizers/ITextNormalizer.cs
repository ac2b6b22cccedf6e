namespace LlmGateway.Embeddings.Tokenizers;

/// <summary>One step of a tokenizer.json <c>normalizer</c> (NFKC, Precompiled, Replace, ...).</summary>
internal interface ITextNormalizer
{
    string Normalize(string text);
}
