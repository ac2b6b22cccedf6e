using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace LlmGateway.Embeddings;

/// <summary>Instruments of the Embeddings capability (meter <c>LlmGateway.Embeddings</c>).</summary>
internal sealed class EmbeddingsMetrics
{
    public const string MeterName = "LlmGateway.Embeddings";

    private readonly Histogram<double> _duration;
    private readonly Counter<long> _timeouts;
    private readonly Counter<long> _failures;
    private readonly Histogram<int> _batchSize;

    public EmbeddingsMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _duration = meter.CreateHistogram<double>("llm_gateway.embedding.duration", "s",
            "Time to embed one request's text, queueing and batching included.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.00001, 0.00005, 0.0001, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5] });
        _timeouts = meter.CreateCounter<long>("llm_gateway.embedding.timeouts", "{request}", "Embeddings that exceeded the timeout (served as cache misses).");
        _failures = meter.CreateCounter<long>("llm_gateway.embedding.failures", "{request}", "Embeddings that failed with an error.");
        _batchSize = meter.CreateHistogram<int>("llm_gateway.embedding.batch_size", "{text}", "Texts per ONNX model run.",
            advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = [1, 2, 4, 8, 16, 32, 64, 128] });
    }

    public void RecordDuration(string provider, TimeSpan elapsed)
    {
        if (_duration.Enabled)
        {
            _duration.Record(elapsed.TotalSeconds, new TagList { { "provider", provider } });
        }
    }

    public void RecordTimeout(string provider) => _timeouts.Add(1, new KeyValuePair<string, object?>("provider", provider));

    public void RecordFailure(string provider) => _failures.Add(1, new KeyValuePair<string, object?>("provider", provider));

    public void RecordBatch(int size)
    {
        if (_batchSize.Enabled)
        {
            _batchSize.Record(size);
        }
    }
}
