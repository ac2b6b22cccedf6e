using System.Buffers;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Options;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;

namespace LlmGateway.Metrics;

/// <summary>
/// The OpenTelemetry SDK side: one <see cref="MeterProvider"/> listening to every meter named <c>LlmGateway.*</c>
/// created from this host's <see cref="IMeterFactory"/> (meters of other hosts in the same process, e.g. parallel
/// tests, are dropped), views with explicit histogram buckets and a cardinality limit, a pull reader for
/// Prometheus scrapes and, when configured, a periodic OTLP exporter.
/// </summary>
internal sealed class MetricsPipeline : IDisposable
{
    public const string MeterWildcard = "LlmGateway.*";
    private const int CollectTimeoutMs = 10_000;

    private readonly IMeterFactory _meterFactory;
    private readonly int _cardinalityLimit;
    private readonly ScrapeExporter _exporter = new();
    private readonly BaseExportingMetricReader _reader;
    private readonly MeterProvider _provider;
    private readonly PrometheusTextWriter _text;
    private readonly ILogger<MetricsPipeline> _logger;
    private readonly Lock _collectLock = new();

    public MetricsPipeline(IMeterFactory meterFactory, IOptions<MetricsOptions> options, ILogger<MetricsPipeline> logger)
    {
        _meterFactory = meterFactory;
        _logger = logger;
        var settings = options.Value;
        _cardinalityLimit = settings.CardinalityLimit;
        _text = new PrometheusTextWriter(logger);
        _reader = new BaseExportingMetricReader(_exporter) { TemporalityPreference = MetricReaderTemporalityPreference.Cumulative };
        var builder = Sdk.CreateMeterProviderBuilder()
            .AddMeter(MeterWildcard)
            .AddView(View)
            .AddReader(_reader);
        if (settings.Otlp is { Enabled: true } otlp)
        {
            builder.AddOtlpExporter((exporter, reader) =>
            {
                exporter.Endpoint = new Uri(otlp.Endpoint!);
                exporter.Protocol = otlp.Protocol == "grpc" ? OtlpExportProtocol.Grpc : OtlpExportProtocol.HttpProtobuf;
                if (!string.IsNullOrWhiteSpace(otlp.Headers))
                    exporter.Headers = otlp.Headers;
                reader.TemporalityPreference = MetricReaderTemporalityPreference.Cumulative;
                reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = (int)otlp.Interval.TotalMilliseconds;
            });
            MetricsLog.OtlpEnabled(logger, otlp.Endpoint!, otlp.Protocol, otlp.Interval.TotalSeconds);
        }
        _provider = builder.Build();
    }

    /// <summary>Collects now and lets <paramref name="visit"/> read the metrics (valid only during the call). One collection at a time.</summary>
    public void Collect(Action<IReadOnlyList<Metric>> visit)
    {
        lock (_collectLock)
        {
            _exporter.Visitor = visit;
            _exporter.VisitorError = null;
            try
            {
                if (!_reader.Collect(CollectTimeoutMs) && _exporter.VisitorError is null)
                    throw new InvalidOperationException("Metric collection failed or timed out.");
                if (_exporter.VisitorError is { } error)
                    throw new InvalidOperationException("Rendering collected metrics failed.", error);
            }
            finally
            {
                _exporter.Visitor = null;
            }
        }
    }

    /// <summary>Collects and renders the Prometheus text format into <paramref name="output"/>.</summary>
    public void WritePrometheus(IBufferWriter<byte> output) => Collect(metrics => _text.Write(metrics, output));

    private MetricStreamConfiguration? View(Instrument instrument)
    {
        // Only this host's meters: a MeterListener sees every meter of the process.
        if (!ReferenceEquals(instrument.Meter.Scope, _meterFactory))
            return MetricStreamConfiguration.Drop;
        if (IsHistogram(instrument))
        {
            var buckets = MetricBuckets.For(instrument.Name, instrument.Unit, AdvisedBuckets(instrument));
            if (buckets is not null)
                return new ExplicitBucketHistogramConfiguration { Boundaries = buckets, CardinalityLimit = _cardinalityLimit };
        }
        return new MetricStreamConfiguration { CardinalityLimit = _cardinalityLimit };
    }

    private static bool IsHistogram(Instrument instrument) =>
        instrument.GetType() is { IsGenericType: true } type && type.GetGenericTypeDefinition() == typeof(Histogram<>);

    private static IReadOnlyList<double>? AdvisedBuckets(Instrument instrument) => instrument switch
    {
        Histogram<double> h => h.Advice?.HistogramBucketBoundaries,
        Histogram<float> h => h.Advice?.HistogramBucketBoundaries?.Select(b => (double)b).ToList(),
        Histogram<long> h => h.Advice?.HistogramBucketBoundaries?.Select(b => (double)b).ToList(),
        Histogram<int> h => h.Advice?.HistogramBucketBoundaries?.Select(b => (double)b).ToList(),
        _ => null,
    };

    public void Dispose()
    {
        try
        {
            _provider.Dispose();
        }
        catch (Exception ex)
        {
            MetricsLog.CollectFailed(_logger, ex);
        }
    }
}
