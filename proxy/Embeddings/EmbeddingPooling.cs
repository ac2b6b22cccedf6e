namespace LlmGateway.Embeddings;

/// <summary>How token states become one sentence vector (<c>Gateway:Embeddings:Pooling</c>).</summary>
public enum EmbeddingPooling
{
    /// <summary>Average of the token vectors where the attention mask is 1 (all-MiniLM-L6-v2, e5).</summary>
    Mean,

    /// <summary>The first ([CLS]) token's vector (bge).</summary>
    Cls,
}
