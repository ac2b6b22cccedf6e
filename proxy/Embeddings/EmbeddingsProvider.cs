namespace LlmGateway.Embeddings;

/// <summary>Which embedder <c>Gateway:Embeddings:Provider</c> selects.</summary>
public enum EmbeddingsProvider
{
    /// <summary>Built-in feature-hashing embedder: no model file, catches rewordings that share words and characters.</summary>
    Hashing,

    /// <summary>A sentence-transformer ONNX model run through ONNX Runtime.</summary>
    Onnx,
}
