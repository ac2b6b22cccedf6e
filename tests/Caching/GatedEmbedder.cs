using System.Collections.Concurrent;
using LlmGateway.Embeddings;
using LlmGateway.Embeddings.Hashing;

namespace LlmGateway.Tests.Caching;

/// <summary>
/// The test gateway's hashing embedder (512 dimensions), except that it embeds only once <see cref="Open"/> was called, and
/// counts how often it embedded each text.
/// </summary>
internal sealed class GatedEmbedder : ITextEmbedder
{
    private readonly HashingEmbedder _inner = new(512);
    private readonly TaskCompletionSource _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ConcurrentDictionary<string, int> _embedded = new(StringComparer.Ordinal);
    private int _waiting;

    public string ModelId => _inner.ModelId;

    public int Dimension => _inner.Dimension;

    /// <summary>Calls waiting at the gate.</summary>
    public int Waiting => Volatile.Read(ref _waiting);

    public void Open() => _gate.TrySetResult();

    /// <summary>How many times each text was embedded.</summary>
    public IReadOnlyDictionary<string, int> Embedded => _embedded;

    public async ValueTask<float[]> EmbedAsync(string text, CancellationToken cancellationToken)
    {
        await PassAsync(cancellationToken);
        _embedded.AddOrUpdate(text, 1, (_, n) => n + 1);
        return await _inner.EmbedAsync(text, cancellationToken);
    }

    public async ValueTask<float[][]> EmbedBatchAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken)
    {
        await PassAsync(cancellationToken);
        foreach (var text in texts)
            _embedded.AddOrUpdate(text, 1, (_, n) => n + 1);
        return await _inner.EmbedBatchAsync(texts, cancellationToken);
    }

    private async Task PassAsync(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _waiting);
        try
        {
            await _gate.Task.WaitAsync(cancellationToken);
        }
        finally
        {
            Interlocked.Decrement(ref _waiting);
        }
    }

    public void Dispose() => _inner.Dispose();
}
