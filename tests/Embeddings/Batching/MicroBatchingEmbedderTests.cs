using System.Diagnostics.Metrics;
using LlmGateway.Embeddings;
using LlmGateway.Embeddings.Batching;
using LlmGateway.Embeddings.Onnx;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace LlmGateway.Tests.Embeddings.Batching;

public sealed class MicroBatchingEmbedderTests
{
    // Windows and timeouts run on a FakeTimeProvider; real time only bounds how long a broken test hangs.
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Concurrent_callers_share_runs_and_get_their_own_vectors()
    {
        using var folder = TempModelFolder.Create("tiny-bert.onnx", TestPaths.MiniLm);
        var onnx = OnnxEmbedder.Load(folder.Path, EmbeddingPooling.Mean, 256);
        var texts = Enumerable.Range(0, 64).Select(i => $"question number {i} about {(i % 2 == 0 ? "passwords" : "日本語")}").ToArray();
        var expected = onnx.EmbedBatch(texts, CancellationToken.None);
        var everyoneQueued = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var recorder = new RecordingInner(onnx, holdFirstRun: everyoneQueued.Task);
        using var batcher = new MicroBatchingEmbedder(recorder, new EmbeddingsOptions { MaxBatchSize = 16, MaxConcurrentBatches = 1 }, new FakeTimeProvider(), null, NullLogger.Instance);

        // EmbedAsync queues its text before it first awaits, so all 64 are waiting once this line is done.
        var calls = texts.Select(t => batcher.EmbedAsync(t, default).AsTask()).ToArray();
        everyoneQueued.SetResult();
        var results = await Task.WhenAll(calls).WaitAsync(Patience);

        for (var i = 0; i < texts.Length; i++)
        {
            Assert.Equal(expected[i].Length, results[i].Length);
            Assert.True(expected[i].Zip(results[i]).All(p => Math.Abs(p.First - p.Second) < 1e-5f), $"vector {i} differs");
        }

        Assert.True(recorder.BatchSizes.Max() > 1, "no two requests shared a run");
        Assert.True(recorder.BatchSizes.Max() <= 16);
        Assert.Equal(64, recorder.BatchSizes.Sum());
    }

    [Fact]
    public async Task Batch_window_waits_for_requests_that_arrive_shortly_after()
    {
        var window = TimeSpan.FromMilliseconds(40);
        var clock = new TimerWatchingClock();
        var recorder = new RecordingInner(new FixedInner());
        using var batcher = new MicroBatchingEmbedder(recorder, new EmbeddingsOptions { BatchWindow = window, MaxConcurrentBatches = 1 }, clock, null, NullLogger.Instance);
        var first = batcher.EmbedAsync("first", default).AsTask();
        // The worker has taken "first" and holds the batch open for the window (the callers' timeouts are 2 s timers).
        await clock.TimerCreated(window).WaitAsync(Patience);

        var second = batcher.EmbedAsync("second", default).AsTask();
        clock.Advance(window - TimeSpan.FromMilliseconds(1));
        var runsBeforeTheWindowEnded = recorder.RunCount;
        clock.Advance(TimeSpan.FromMilliseconds(1));
        await Task.WhenAll(first, second).WaitAsync(Patience);

        Assert.Equal(0, runsBeforeTheWindowEnded);
        Assert.Equal([2], recorder.BatchSizes);
    }

    [Fact]
    public async Task A_stuck_run_times_out_is_counted_and_is_terminated()
    {
        var inner = new BlockingInner();
        var clock = new FakeTimeProvider();
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var meterFactory = services.GetRequiredService<IMeterFactory>();
        var metrics = new EmbeddingsMetrics(meterFactory);
        long timeouts = 0;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (ReferenceEquals(instrument.Meter.Scope, meterFactory) && instrument.Name == "llm_gateway.embedding.timeouts")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref timeouts, value));
        listener.Start();
        var timeout = TimeSpan.FromMilliseconds(200);
        using var batcher = new MicroBatchingEmbedder(inner, new EmbeddingsOptions { Timeout = timeout, MaxConcurrentBatches = 2 }, clock, metrics, NullLogger.Instance);

        var slow = batcher.EmbedAsync("slow", default).AsTask();
        await inner.SlowStarted.Task.WaitAsync(Patience);
        clock.Advance(timeout - TimeSpan.FromMilliseconds(1));
        var completedBeforeTheTimeout = slow.IsCompleted;
        clock.Advance(TimeSpan.FromMilliseconds(1));

        await Task.WhenAny(slow, Task.Delay(Patience)); // not slow.WaitAsync: its own TimeoutException would pass the test
        Assert.True(slow.IsCompleted, "the caller was not released when the fake clock reached the timeout");
        await Assert.ThrowsAsync<TimeoutException>(() => slow);
        Assert.False(completedBeforeTheTimeout);
        Assert.Equal(1, Interlocked.Read(ref timeouts));
        Assert.True(await inner.Cancelled.Task.WaitAsync(Patience), "the stuck run was not asked to terminate");
    }

    [Fact]
    public async Task A_slow_request_does_not_block_an_unrelated_one()
    {
        var inner = new BlockingInner();
        using var batcher = new MicroBatchingEmbedder(inner, new EmbeddingsOptions { MaxConcurrentBatches = 2 }, new FakeTimeProvider(), null, NullLogger.Instance);
        var slow = batcher.EmbedAsync("slow", default).AsTask();
        await inner.SlowStarted.Task.WaitAsync(Patience);

        var fast = await batcher.EmbedAsync("fast", default).AsTask().WaitAsync(Patience);

        Assert.Equal(BlockingInner.FastVector, fast);
        Assert.False(slow.IsCompleted); // the fake clock never reaches its timeout: only the release can end it
        inner.Release.SetResult();
        Assert.Equal(BlockingInner.FastVector, await slow.WaitAsync(Patience));
    }

    [Fact]
    public async Task A_failing_run_fails_only_its_callers_with_the_error()
    {
        var inner = new FailingInner();
        using var batcher = new MicroBatchingEmbedder(inner, new EmbeddingsOptions(), new FakeTimeProvider(), null, NullLogger.Instance);
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(async () => await batcher.EmbedAsync("boom", default));
        Assert.Equal("model exploded", ex.Message);
        Assert.Equal(3, (await batcher.EmbedAsync("fine", default)).Length);
    }

    [Fact]
    public async Task Cancellation_by_the_caller_is_honoured()
    {
        var inner = new BlockingInner();
        using var batcher = new MicroBatchingEmbedder(inner, new EmbeddingsOptions(), new FakeTimeProvider(), null, NullLogger.Instance);
        using var cts = new CancellationTokenSource();
        var slow = batcher.EmbedAsync("slow", cts.Token).AsTask();
        await inner.SlowStarted.Task.WaitAsync(Patience);

        cts.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => slow.WaitAsync(Patience));
        inner.Release.SetResult();
    }

    [Fact]
    public async Task Disposed_batcher_rejects_new_work()
    {
        var batcher = new MicroBatchingEmbedder(new FailingInner(), new EmbeddingsOptions(), new FakeTimeProvider(), null, NullLogger.Instance);
        batcher.Dispose();
        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await batcher.EmbedAsync("late", default));
    }

    /// <summary>A fake clock that tells the test when a timer of a given length has been started.</summary>
    private sealed class TimerWatchingClock : FakeTimeProvider
    {
        private readonly Lock _lock = new();
        private readonly List<(TimeSpan DueTime, TaskCompletionSource Created)> _watches = [];
        private readonly List<TimeSpan> _created = [];

        public Task TimerCreated(TimeSpan dueTime)
        {
            lock (_lock)
            {
                if (_created.Contains(dueTime))
                    return Task.CompletedTask;
                var created = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                _watches.Add((dueTime, created));
                return created.Task;
            }
        }

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            var timer = base.CreateTimer(callback, state, dueTime, period);
            lock (_lock)
            {
                _created.Add(dueTime);
                foreach (var watch in _watches.Where(w => w.DueTime == dueTime))
                    watch.Created.TrySetResult();
            }
            return timer;
        }
    }

    /// <summary>Records the size of every run; the first run can be held until the test lets it go.</summary>
    private sealed class RecordingInner(IBatchTextEmbedder inner, Task? holdFirstRun = null) : IBatchTextEmbedder
    {
        public List<int> BatchSizes { get; } = [];

        public int RunCount
        {
            get
            {
                lock (BatchSizes)
                {
                    return BatchSizes.Count;
                }
            }
        }

        public string ModelId => inner.ModelId;

        public int Dimension => inner.Dimension;

        public float[][] EmbedBatch(IReadOnlyList<string> texts, CancellationToken cancellationToken)
        {
            bool first;
            lock (BatchSizes)
            {
                first = BatchSizes.Count == 0;
                BatchSizes.Add(texts.Count);
            }

            if (first)
            {
                holdFirstRun?.Wait(cancellationToken); // the other callers queue up behind this run meanwhile
            }

            return inner.EmbedBatch(texts, cancellationToken);
        }

        public void Dispose() => inner.Dispose();
    }

    /// <summary>"slow" blocks until released or cancelled; anything else returns at once.</summary>
    private sealed class BlockingInner : IBatchTextEmbedder
    {
        public static readonly float[] FastVector = [1, 0, 0];

        public TaskCompletionSource SlowStarted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource<bool> Cancelled { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public string ModelId => "blocking";

        public int Dimension => 3;

        public float[][] EmbedBatch(IReadOnlyList<string> texts, CancellationToken cancellationToken)
        {
            if (texts.Contains("slow"))
            {
                SlowStarted.TrySetResult();
                try
                {
                    Release.Task.Wait(cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    Cancelled.TrySetResult(true);
                    throw;
                }
            }

            return texts.Select(_ => FastVector).ToArray();
        }

        public void Dispose()
        {
        }
    }

    private sealed class FixedInner : IBatchTextEmbedder
    {
        public string ModelId => "fixed";

        public int Dimension => 3;

        public float[][] EmbedBatch(IReadOnlyList<string> texts, CancellationToken cancellationToken) => texts.Select(_ => new float[] { 0, 0, 1 }).ToArray();

        public void Dispose()
        {
        }
    }

    private sealed class FailingInner : IBatchTextEmbedder
    {
        public string ModelId => "failing";

        public int Dimension => 3;

        public float[][] EmbedBatch(IReadOnlyList<string> texts, CancellationToken cancellationToken) =>
            texts.Contains("boom") ? throw new InvalidOperationException("model exploded") : texts.Select(_ => new float[] { 0, 1, 0 }).ToArray();

        public void Dispose()
        {
        }
    }
}
