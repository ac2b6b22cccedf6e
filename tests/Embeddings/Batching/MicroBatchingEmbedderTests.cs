using System.Diagnostics.Metrics;
using LlmGateway.Embeddings;
using LlmGateway.Embeddings.Batching;
using LlmGateway.Embeddings.Onnx;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace LlmGateway.Tests.Embeddings.Batching;

public sealed class MicroBatchingEmbedderTests
{
    [Fact]
    public async Task Concurrent_callers_share_runs_and_get_their_own_vectors()
    {
        using var folder = TempModelFolder.Create("tiny-bert.onnx", TestPaths.MiniLm);
        var onnx = OnnxEmbedder.Load(folder.Path, null, EmbeddingPooling.Mean, 256, 1);
        var texts = Enumerable.Range(0, 64).Select(i => $"question number {i} about {(i % 2 == 0 ? "passwords" : "日本語")}").ToArray();
        var expected = onnx.EmbedBatch(texts, CancellationToken.None);
        var recorder = new RecordingInner(onnx);
        using var batcher = new MicroBatchingEmbedder(recorder, new EmbeddingsOptions { MaxBatchSize = 16, MaxConcurrentBatches = 1 }, TimeProvider.System, null, NullLogger.Instance);

        var results = await Task.WhenAll(texts.Select(t => Task.Run(async () => await batcher.EmbedAsync(t, default))));

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
        var recorder = new RecordingInner(new FixedInner());
        using var batcher = new MicroBatchingEmbedder(recorder, new EmbeddingsOptions { BatchWindow = TimeSpan.FromMilliseconds(40), MaxConcurrentBatches = 1 },
            TimeProvider.System, null, NullLogger.Instance);
        var first = batcher.EmbedAsync("first", default).AsTask();
        await Task.Delay(5);
        var second = batcher.EmbedAsync("second", default).AsTask();
        await Task.WhenAll(first, second);
        Assert.Equal([2], recorder.BatchSizes);
    }

    [Fact]
    public async Task A_stuck_run_times_out_is_counted_and_is_terminated()
    {
        var inner = new BlockingInner();
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
        using var batcher = new MicroBatchingEmbedder(inner, new EmbeddingsOptions { Timeout = TimeSpan.FromMilliseconds(200), MaxConcurrentBatches = 2 },
            TimeProvider.System, metrics, NullLogger.Instance);

        await Assert.ThrowsAsync<TimeoutException>(async () => await batcher.EmbedAsync("slow", default));

        Assert.Equal(1, Interlocked.Read(ref timeouts));
        Assert.True(await inner.Cancelled.Task.WaitAsync(TimeSpan.FromSeconds(5)), "the stuck run was not asked to terminate");
    }

    [Fact]
    public async Task A_slow_request_does_not_block_an_unrelated_one()
    {
        var inner = new BlockingInner();
        using var batcher = new MicroBatchingEmbedder(inner, new EmbeddingsOptions { Timeout = TimeSpan.FromSeconds(5), MaxConcurrentBatches = 2 },
            TimeProvider.System, null, NullLogger.Instance);
        var slow = batcher.EmbedAsync("slow", default).AsTask();
        await inner.SlowStarted.Task.WaitAsync(TimeSpan.FromSeconds(5));

        var fast = await batcher.EmbedAsync("fast", default).AsTask().WaitAsync(TimeSpan.FromSeconds(2));

        Assert.Equal(BlockingInner.FastVector, fast);
        Assert.False(slow.IsCompleted);
        inner.Release.SetResult();
        Assert.Equal(BlockingInner.FastVector, await slow.WaitAsync(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task A_failing_run_fails_only_its_callers_with_the_error()
    {
        var inner = new FailingInner();
        using var batcher = new MicroBatchingEmbedder(inner, new EmbeddingsOptions(), TimeProvider.System, null, NullLogger.Instance);
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(async () => await batcher.EmbedAsync("boom", default));
        Assert.Equal("model exploded", ex.Message);
        Assert.Equal(3, (await batcher.EmbedAsync("fine", default)).Length);
    }

    [Fact]
    public async Task Cancellation_by_the_caller_is_honoured()
    {
        var inner = new BlockingInner();
        using var batcher = new MicroBatchingEmbedder(inner, new EmbeddingsOptions { Timeout = TimeSpan.FromSeconds(30) }, TimeProvider.System, null, NullLogger.Instance);
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await batcher.EmbedAsync("slow", cts.Token));
        inner.Release.SetResult();
    }

    [Fact]
    public async Task Disposed_batcher_rejects_new_work()
    {
        var batcher = new MicroBatchingEmbedder(new FailingInner(), new EmbeddingsOptions(), TimeProvider.System, null, NullLogger.Instance);
        batcher.Dispose();
        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await batcher.EmbedAsync("late", default));
    }

    private sealed class RecordingInner(IBatchTextEmbedder inner) : IBatchTextEmbedder
    {
        public List<int> BatchSizes { get; } = [];

        public string ModelId => inner.ModelId;

        public int Dimension => inner.Dimension;

        public float[][] EmbedBatch(IReadOnlyList<string> texts, CancellationToken cancellationToken)
        {
            lock (BatchSizes)
            {
                BatchSizes.Add(texts.Count);
            }

            Thread.Sleep(2); // long enough for concurrent callers to queue up behind the run
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
