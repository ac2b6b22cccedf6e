namespace LlmGateway.Embeddings;

/// <summary>
/// The configured embedding model (or the ONNX Runtime library it needs) cannot be used. Thrown while the
/// gateway starts, so a bad <c>Gateway:Embeddings</c> configuration stops startup instead of silently
/// falling back to another embedder.
/// </summary>
public sealed class EmbeddingModelLoadException : Exception
{
    public EmbeddingModelLoadException(string message)
        : base(message)
    {
    }

    public EmbeddingModelLoadException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
