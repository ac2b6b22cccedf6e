using System.Threading.Channels;
using LlmGateway.Embeddings.Onnx;
using Microsoft.Extensions.Logging;

namespace LlmGateway.Embeddings.Batching;

/// <summary>
/// Puts concurrent requests into shared model runs. Callers enqueue their text; up to
/// <see cref="EmbeddingsOptions.MaxConcurrentBatches"/> workers each take everything queued (at most
/// <see cref="EmbeddingsOptions.MaxBatchSize"/>, optionally waiting <see cref="EmbeddingsOptions.BatchWindow"/>
/// for more) and run it as one batch. While a run is in progress new requests queue up, so batches grow with
/// load without adding latency when idle. A caller waits at most <see cref="EmbeddingsOptions.Timeout"/>, then
/// gets a <see cref="TimeoutException"/> (counted; the gateway serves a cache miss); a run that outlives the
/// timeout is terminated through ONNX Runtime's run options so it cannot hold a worker forever.
/// </summary>
internal sealed class MicroBatchingEmbedder : ITextEmbedder
{
    private const string Provider = "onnx";
    private readonly IBatchTextEmbedder _inner;
    private readonly Channel<PendingEmbedding> _queue = Channel.CreateUnbounded<PendingEmbedding>(new UnboundedChannelOptions { SingleReader = false });
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task[] _workers;
    private readonly TimeProvider _time;
    private readonly EmbeddingsMetrics? _metrics;
    private readonly ILogger _logger;
    private readonly TimeSpan _timeout;
    private readonly TimeSpan _window;
    private readonly int _maxBatch;
    private int _disposed;

    public MicroBatchingEmbedder(IBatchTextEmbedder inner, EmbeddingsOptions options, TimeProvider time, EmbeddingsMetrics? metrics, ILogger logger)
    {
        _inner = inner;
        _time = time;
        _metrics = metrics;
        _logger = logger;
        _timeout = options.Timeout;
        _window = options.BatchWindow;
        _maxBatch = options.MaxBatchSize;
        _workers = new Task[options.MaxConcurrentBatches];
        for (var i = 0; i < _workers.Length; i++)
        {
            _workers[i] = Task.Run(WorkAsync);
        }
    }

    public string ModelId => _inner.ModelId;

    public int Dimension => _inner.Dimension;

    public async ValueTask<float[]> EmbedAsync(string text, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (string.IsNullOrWhiteSpace(text))
        {
            throw new ArgumentException("Cannot embed empty text.", nameof(text));
        }

        var started = _time.GetTimestamp();
        var pending = Enqueue(text);
        try
        {
            var vector = await pending.Task.WaitAsync(_timeout, _time, cancellationToken).ConfigureAwait(false);
            _metrics?.RecordDuration(Provider, _time.GetElapsedTime(started));
            return vector;
        }
        catch (TimeoutException)
        {
            pending.Abandon();
            OnTimeout(text.Length);
            throw;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // The run was terminated for overrunning the timeout just before our own wait noticed it: same outcome.
            pending.Abandon();
            OnTimeout(text.Length);
            throw new TimeoutException($"Embedding did not finish within {_timeout.TotalMilliseconds:0} ms.");
        }
        catch (OperationCanceledException)
        {
            pending.Abandon();
            throw;
        }
    }

    public async ValueTask<float[][]> EmbedBatchAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(texts);
        if (texts.Any(string.IsNullOrWhiteSpace))
        {
            throw new ArgumentException("Cannot embed empty text.", nameof(texts));
        }

        var started = _time.GetTimestamp();
        var pending = texts.Select(Enqueue).ToArray();
        try
        {
            var vectors = await Task.WhenAll(pending.Select(p => p.Task)).WaitAsync(_timeout, _time, cancellationToken).ConfigureAwait(false);
            _metrics?.RecordDuration(Provider, _time.GetElapsedTime(started));
            return vectors;
        }
        catch (Exception ex) when (ex is TimeoutException or OperationCanceledException)
        {
            foreach (var p in pending)
            {
                p.Abandon();
            }

            if (ex is TimeoutException)
            {
                OnTimeout(texts.Sum(t => t.Length));
            }
            else if (!cancellationToken.IsCancellationRequested)
            {
                // A terminated overrunning run, not the caller's cancellation.
                OnTimeout(texts.Sum(t => t.Length));
                throw new TimeoutException($"Embedding did not finish within {_timeout.TotalMilliseconds:0} ms.");
            }

            throw;
        }
    }

    private PendingEmbedding Enqueue(string text)
    {
        var pending = new PendingEmbedding(text);
        if (!_queue.Writer.TryWrite(pending))
        {
            throw new ObjectDisposedException(nameof(MicroBatchingEmbedder));
        }

        return pending;
    }

    private void OnTimeout(int textLength)
    {
        _metrics?.RecordTimeout(Provider);
        EmbeddingsLog.TimedOut(_logger, _timeout.TotalMilliseconds, textLength);
    }

    private async Task WorkAsync()
    {
        var batch = new List<PendingEmbedding>(_maxBatch);
        var reader = _queue.Reader;
        try
        {
            while (await reader.WaitToReadAsync(_stopping.Token).ConfigureAwait(false))
            {
                Drain(reader, batch);
                if (_window > TimeSpan.Zero && batch.Count > 0 && batch.Count < _maxBatch)
                {
                    await Task.Delay(_window, _time, _stopping.Token).ConfigureAwait(false);
                    Drain(reader, batch);
                }

                if (batch.Count > 0)
                {
                    RunBatch(batch);
                    batch.Clear();
                }
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            foreach (var pending in batch)
            {
                pending.Fail(new ObjectDisposedException(nameof(MicroBatchingEmbedder)));
            }
        }
    }

    private void Drain(ChannelReader<PendingEmbedding> reader, List<PendingEmbedding> batch)
    {
        while (batch.Count < _maxBatch && reader.TryRead(out var pending))
        {
            if (!pending.IsAbandoned)
            {
                batch.Add(pending);
            }
        }
    }

    private void RunBatch(List<PendingEmbedding> batch)
    {
        var texts = new string[batch.Count];
        for (var i = 0; i < texts.Length; i++)
        {
            texts[i] = batch[i].Text;
        }

        _metrics?.RecordBatch(texts.Length);
        using var runTimeout = new CancellationTokenSource(_timeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(runTimeout.Token, _stopping.Token);
        try
        {
            var vectors = _inner.EmbedBatch(texts, linked.Token);
            for (var i = 0; i < batch.Count; i++)
            {
                batch[i].Complete(vectors[i]);
            }
        }
        catch (Exception ex)
        {
            EmbeddingsLog.BatchFailed(_logger, ex, batch.Count);
            foreach (var pending in batch)
            {
                if (!pending.IsAbandoned)
                {
                    _metrics?.RecordFailure(Provider);
                }

                pending.Fail(ex);
            }
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _queue.Writer.TryComplete();
        _stopping.Cancel();
        try
        {
            Task.WaitAll(_workers, TimeSpan.FromSeconds(10));
        }
        catch (AggregateException)
        {
        }

        while (_queue.Reader.TryRead(out var pending))
        {
            pending.Fail(new ObjectDisposedException(nameof(MicroBatchingEmbedder)));
        }

        _inner.Dispose();
        _stopping.Dispose();
    }
}
