namespace LlmGateway.Embeddings;

/// <summary>
/// Turns text into an L2-normalised vector locally (no outside service). Register with
/// <see cref="EmbeddingsServiceCollectionExtensions.AddEmbeddings"/>; implementations are thread-safe singletons.
/// </summary>
/// <remarks>
/// <para>Vectors are only comparable between embedders with equal <see cref="ModelId"/>.</para>
/// <para>Errors a caller should expect, all of which mean "serve this request as a cache miss":
/// <see cref="TimeoutException"/> when the embedding did not finish within <c>Gateway:Embeddings:Timeout</c>
/// (counted in <c>llm_gateway.embedding.timeouts</c>); <see cref="OperationCanceledException"/> when the
/// caller's token was cancelled; <see cref="ArgumentException"/> for empty text.</para>
/// </remarks>
public interface ITextEmbedder : IDisposable
{
    /// <summary>
    /// Stable identity of the vector space: changes whenever the model file, tokenizer, pooling, maximum
    /// length, dimension or algorithm change. The cache stores it with each vector and never compares vectors
    /// with different ids.
    /// </summary>
    string ModelId { get; }

    /// <summary>Length of every vector returned.</summary>
    int Dimension { get; }

    /// <summary>Embeds one text. The result has length <see cref="Dimension"/> and unit L2 norm.</summary>
    ValueTask<float[]> EmbedAsync(string text, CancellationToken cancellationToken);

    /// <summary>Embeds several texts; result i belongs to text i.</summary>
    ValueTask<float[][]> EmbedBatchAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken);
}
