using System.Diagnostics.Metrics;
using System.Text;
using LlmGateway.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace LlmGateway.Tests.Metrics;

/// <summary>The metrics pipeline alone (its own meter factory), for exposition and aggregation tests without a gateway.</summary>
internal sealed class StandalonePipeline : IDisposable
{
    private readonly ServiceProvider _services;

    public StandalonePipeline(MetricsOptions? options = null)
    {
        _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        Factory = _services.GetRequiredService<IMeterFactory>();
        Pipeline = new MetricsPipeline(Factory, Options.Create(options ?? new MetricsOptions()), NullLogger<MetricsPipeline>.Instance);
    }

    public IMeterFactory Factory { get; }

    public MetricsPipeline Pipeline { get; }

    public string Scrape()
    {
        using var buffer = new PooledBufferWriter(1024);
        Pipeline.WritePrometheus(buffer);
        return Encoding.UTF8.GetString(buffer.WrittenMemory.Span);
    }

    public void Dispose()
    {
        Pipeline.Dispose();
        _services.Dispose();
    }
}
