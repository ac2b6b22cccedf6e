namespace LlmGateway.Embeddings;

/// <summary>
/// Settings of the <c>Gateway:Embeddings</c> configuration section, validated at startup by
/// <see cref="EmbeddingsOptionsValidator"/>.
/// </summary>
public sealed record EmbeddingsOptions
{
    /// <summary>Configuration section the options are bound from.</summary>
    public const string SectionName = "Gateway:Embeddings";

    /// <summary><c>hashing</c> (default, no model file) or <c>onnx</c>.</summary>
    public EmbeddingsProvider Provider { get; init; } = EmbeddingsProvider.Hashing;

    /// <summary>ONNX only: a model folder as Hugging Face publishes it, or a <c>.onnx</c> file inside one. Required for onnx.</summary>
    public string? ModelPath { get; init; }

    /// <summary>ONNX only: <c>mean</c> (default) or <c>cls</c>.</summary>
    public EmbeddingPooling Pooling { get; init; } = EmbeddingPooling.Mean;

    /// <summary>ONNX only: maximum tokens per text, special tokens included; longer text is truncated. Default 256.</summary>
    public int MaxTokens { get; init; } = 256;

    /// <summary>ONNX only: intra-op threads per model run (0 = ONNX Runtime's default). Default 1.</summary>
    public int Threads { get; init; } = 1;

    /// <summary>Hashing only: vector dimension. Default 512.</summary>
    public int Dimension { get; init; } = 512;

    /// <summary>ONNX only: how long a batch waits for more requests after the first arrives. Default 0 (take what is queued).</summary>
    public TimeSpan BatchWindow { get; init; } = TimeSpan.Zero;

    /// <summary>ONNX only: most texts in one model run. Default 32.</summary>
    public int MaxBatchSize { get; init; } = 32;

    /// <summary>ONNX only: model runs in flight at once. Default 2.</summary>
    public int MaxConcurrentBatches { get; init; } = 2;

    /// <summary>Longest a caller waits for its vector before getting a <see cref="TimeoutException"/> (a cache miss). Default 2 s.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(2);
}
