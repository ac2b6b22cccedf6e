using System.Threading.Channels;
using LlmGateway.Embeddings;

namespace LlmGateway.Caching;

/// <summary>
/// Embeds stored answers' questions and puts them in the vector index, off the request path. One bounded queue per
/// worker (an entry always goes to the same worker, so two jobs for one id never race); a worker takes what its queue
/// holds, up to <see cref="BatchSize"/>, embeds the texts that need it in one batch call, and indexes them (inserts of
/// several workers run in parallel: the graph locks per node). A full queue refuses the job at once: the answer stays
/// exact-only, the caller counts it. <see cref="DrainAsync"/> finishes what was queued (at shutdown).
/// </summary>
internal sealed class SemanticIndexer : IDisposable
{
    public const int BatchSize = 32;

    private readonly Channel<IndexJob>[] _queues;
    private readonly Task[] _workers;
    private readonly ITextEmbedder _embedder;
    private readonly Action<IndexJob, float[]?> _index;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _abandon = new();
    private long _pending;
    private volatile bool _closed;

    /// <param name="index">Indexes one job with its vector; null: the text could not be embedded.</param>
    public SemanticIndexer(ITextEmbedder embedder, Action<IndexJob, float[]?> index, int capacity, int workers, ILogger logger)
    {
        _embedder = embedder;
        _index = index;
        _logger = logger;
        // By default half the cores at most: the background must not take the CPU that requests need.
        var count = workers > 0 ? workers : Math.Clamp(Environment.ProcessorCount / 2, 1, 4);
        var perQueue = Math.Max(1, capacity / count);
        _queues = new Channel<IndexJob>[count];
        _workers = new Task[count];
        for (var i = 0; i < count; i++)
        {
            _queues[i] = Channel.CreateBounded<IndexJob>(new BoundedChannelOptions(perQueue) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
            var reader = _queues[i].Reader;
            _workers[i] = Task.Run(() => RunAsync(reader));
        }
    }

    /// <summary>Jobs queued or being indexed; 0 once the background has caught up.</summary>
    public long Pending => Interlocked.Read(ref _pending);

    /// <summary>Set once <see cref="DrainAsync"/> or <see cref="Dispose"/> ran: no job is taken any more.</summary>
    public bool Closed => _closed;

    /// <summary>Queues a job without waiting; false when its queue is full or the indexer is closed.</summary>
    public bool TryEnqueue(IndexJob job)
    {
        Interlocked.Increment(ref _pending);
        if (_queues[(int)((ulong)job.Meta.Id % (ulong)_queues.Length)].Writer.TryWrite(job))
            return true;
        Interlocked.Decrement(ref _pending);
        return false;
    }

    /// <summary>Takes no more jobs and finishes the queued ones; what is left when <paramref name="cancellationToken"/> fires is abandoned (exact-only).</summary>
    public async Task DrainAsync(CancellationToken cancellationToken)
    {
        Close();
        try
        {
            await Task.WhenAll(_workers).WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            await _abandon.CancelAsync();
            CacheLog.IndexingAbandoned(_logger, Pending);
        }
    }

    private void Close()
    {
        _closed = true;
        foreach (var queue in _queues)
            queue.Writer.TryComplete();
    }

    private async Task RunAsync(ChannelReader<IndexJob> reader)
    {
        var batch = new List<IndexJob>(BatchSize);
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (batch.Count < BatchSize && reader.TryRead(out var job))
                batch.Add(job);
            try
            {
                if (!_abandon.IsCancellationRequested)
                    await IndexBatchAsync(batch).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                // One bad batch must not stop the worker; its answers stay exact-only.
                CacheLog.IndexingFailed(_logger, ex);
            }
            finally
            {
                Interlocked.Add(ref _pending, -batch.Count);
                batch.Clear();
            }
        }
    }

    private async Task IndexBatchAsync(List<IndexJob> batch)
    {
        // Which jobs need their text embedded, decided once: a job removed meanwhile is skipped by the index callback.
        var texts = new List<string>();
        var embedded = new float[]?[batch.Count];
        var slot = new int[batch.Count];
        for (var i = 0; i < batch.Count; i++)
        {
            slot[i] = -1;
            if (batch[i].Vector is null && Volatile.Read(ref batch[i].Meta.IndexState) == CacheIndexState.Pending)
            {
                slot[i] = texts.Count;
                texts.Add(batch[i].Meta.QueryText!);
            }
        }
        if (texts.Count > 0)
        {
            try
            {
                var vectors = await _embedder.EmbedBatchAsync(texts, _abandon.Token).ConfigureAwait(false);
                for (var i = 0; i < batch.Count; i++)
                {
                    if (slot[i] >= 0)
                        embedded[i] = vectors[slot[i]];
                }
            }
            catch (Exception ex) when (ex is TimeoutException or ArgumentException)
            {
                CacheLog.EmbeddingFailed(_logger, ex.GetType().Name);
            }
        }
        for (var i = 0; i < batch.Count; i++)
            _index(batch[i], batch[i].Vector ?? embedded[i]);
    }

    public void Dispose()
    {
        Close();
        _abandon.Cancel();
    }
}
