namespace LlmGateway.Embeddings.Onnx;

/// <summary>A synchronous embedder of whole batches, run by <see cref="Batching.MicroBatchingEmbedder"/>'s workers.</summary>
internal interface IBatchTextEmbedder : IDisposable
{
    string ModelId { get; }

    int Dimension { get; }

    /// <summary>Embeds <paramref name="texts"/> in one model run; cancellation terminates the run.</summary>
    float[][] EmbedBatch(IReadOnlyList<string> texts, CancellationToken cancellationToken);
}
