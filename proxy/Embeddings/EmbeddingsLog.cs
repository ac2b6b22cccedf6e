using Microsoft.Extensions.Logging;

namespace LlmGateway.Embeddings;

/// <summary>Log messages of the Embeddings capability (event ids 3000–3099). Never logs text being embedded.</summary>
internal static partial class EmbeddingsLog
{
    [LoggerMessage(3000, LogLevel.Information, "Embeddings: hashing embedder, dimension {Dimension}, model id {ModelId}", EventName = "HashingEmbedderReady")]
    public static partial void HashingReady(ILogger logger, int dimension, string modelId);

    [LoggerMessage(3001, LogLevel.Information,
        "Embeddings: ONNX model {Model} loaded with ONNX Runtime {RuntimeVersion}; tokenizer {Tokenizer}, pooling {Pooling}, dimension {Dimension}, max tokens {MaxTokens}, token_type_ids {HasTokenTypeIds}, model id {ModelId}, load {LoadMilliseconds} ms",
        EventName = "OnnxEmbedderReady")]
    public static partial void OnnxReady(ILogger logger, string model, string runtimeVersion, string tokenizer,
        EmbeddingPooling pooling, int dimension, int maxTokens, bool hasTokenTypeIds, string modelId, long loadMilliseconds);

    [LoggerMessage(3002, LogLevel.Critical, "Embeddings: the configured model cannot be used: {Reason}", EventName = "ModelLoadFailed")]
    public static partial void ModelLoadFailed(ILogger logger, string reason);

    [LoggerMessage(3010, LogLevel.Warning, "Embeddings: embedding timed out after {TimeoutMilliseconds} ms (text length {TextLength}); serving as a cache miss", EventName = "EmbeddingTimedOut")]
    public static partial void TimedOut(ILogger logger, double timeoutMilliseconds, int textLength);

    [LoggerMessage(3011, LogLevel.Error, "Embeddings: a model run for a batch of {BatchSize} failed", EventName = "BatchFailed")]
    public static partial void BatchFailed(ILogger logger, Exception exception, int batchSize);
}
