namespace LlmGateway.Embeddings.Tokenizers;

/// <summary>Adapts <see cref="BertNormalizer"/> to the normaliser pipeline.</summary>
internal sealed class BertTextNormalizer(BertNormalizer bert) : ITextNormalizer
{
    public string Normalize(string text)
    {
        char[]? scratch = null;
        try
        {
            return bert.Normalize(text, ref scratch).ToString();
        }
        finally
        {
            if (scratch is not null)
            {
                System.Buffers.ArrayPool<char>.Shared.Return(scratch);
            }
        }
    }
}
