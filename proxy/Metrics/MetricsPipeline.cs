using System.Diagnostics.Metrics;
using System.Text;
using Microsoft.Extensions.Options;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;

namespace LlmGateway.Metrics;

/// <summary>
/// The OpenTelemetry SDK side: one <see cref="MeterProvider"/> listening to every meter named <c>LlmGateway.*</c>
/// created from this host's <see cref="IMeterFactory"/> (meters of other hosts in the same process, e.g. parallel
/// tests, are dropped), views with explicit histogram buckets and a cardinality limit, the Prometheus exporter
/// (<c>OpenTelemetry.Exporter.Prometheus.AspNetCore</c> renders every scrape) and, when configured, a periodic OTLP
/// exporter. The dashboard reads an in-process scrape (<see cref="ScrapeTextAsync"/>) instead of a reader of its
/// own, because every reader aggregates every measurement again (bench: recording cost per request ×2).
/// </summary>
internal sealed class MetricsPipeline : IDisposable
{
    public const string MeterWildcard = "LlmGateway.*";

    private readonly IMeterFactory _meterFactory;
    private readonly int _cardinalityLimit;
    private readonly ILogger<MetricsPipeline> _logger;
    private readonly RequestDelegate _scrape;

    public MetricsPipeline(IMeterFactory meterFactory, IOptions<MetricsOptions> options, IServiceProvider services, ILogger<MetricsPipeline> logger)
    {
        _meterFactory = meterFactory;
        _logger = logger;
        var settings = options.Value;
        _cardinalityLimit = settings.CardinalityLimit;
        var builder = Sdk.CreateMeterProviderBuilder()
            .AddMeter(MeterWildcard)
            .AddView(View)
            .AddPrometheusExporter(prometheus =>
            {
                // Every scrape collects: the default 300 ms cache would answer a scrape right after a request with old counts.
                prometheus.ScrapeResponseCacheDurationMilliseconds = 0;
                // The series the alert rules and dashboards were written for: no otel_scope_* labels on every sample, no target_info.
                prometheus.ScopeInfoEnabled = false;
                prometheus.TargetInfoEnabled = false;
            });
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
        Provider = builder.Build();
        _scrape = new ApplicationBuilder(services)
            .UseOpenTelemetryPrometheusScrapingEndpoint(Provider, _ => true, path: null, configureBranchedPipeline: null, optionsName: null)
            .Build();
    }

    /// <summary>The provider whose Prometheus exporter the scrape endpoints serve.</summary>
    public MeterProvider Provider { get; }

    /// <summary>One scrape answered in-process, in the text format 0.0.4 (what <c>curl /metrics</c> gets).</summary>
    public async Task<string> ScrapeTextAsync(CancellationToken cancellationToken)
    {
        var context = new DefaultHttpContext { RequestAborted = cancellationToken };
        context.Request.Method = HttpMethods.Get;
        using var body = new MemoryStream();
        context.Response.Body = body;
        await _scrape(context);
        if (context.Response.StatusCode != StatusCodes.Status200OK)
            throw new InvalidOperationException($"The in-process scrape answered {context.Response.StatusCode}.");
        return Encoding.UTF8.GetString(body.GetBuffer(), 0, (int)body.Length);
    }

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
            Provider.Dispose();
        }
        catch (Exception ex)
        {
            MetricsLog.CollectFailed(_logger, ex);
        }
    }
}
