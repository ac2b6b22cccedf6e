using System.Diagnostics.Metrics;
using System.Text;
using LlmGateway.Metrics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace LlmGateway.Tests.Metrics;

/// <summary>The metrics pipeline alone (its own meter factory), for exposition and aggregation tests without a gateway.</summary>
internal sealed class StandalonePipeline : IDisposable
{
    private readonly ServiceProvider _services;
    private readonly RequestDelegate _scrape;

    public StandalonePipeline(MetricsOptions? options = null)
    {
        _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        Factory = _services.GetRequiredService<IMeterFactory>();
        Pipeline = new MetricsPipeline(Factory, Options.Create(options ?? new MetricsOptions()), _services, NullLogger<MetricsPipeline>.Instance);
        _scrape = new ApplicationBuilder(_services)
            .UseOpenTelemetryPrometheusScrapingEndpoint(Pipeline.Provider, _ => true, path: null, configureBranchedPipeline: null, optionsName: null)
            .Build();
    }

    public IMeterFactory Factory { get; }

    public MetricsPipeline Pipeline { get; }

    /// <summary>One scrape through the exporter's middleware, as the endpoint answers it (text format 0.0.4 unless <paramref name="accept"/> asks otherwise).</summary>
    public string Scrape(string? accept = null)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = HttpMethods.Get;
        context.Request.Path = "/metrics";
        if (accept is not null)
            context.Request.Headers.Accept = accept;
        using var body = new MemoryStream();
        context.Response.Body = body;
        _scrape(context).GetAwaiter().GetResult();
        Assert.Equal(StatusCodes.Status200OK, context.Response.StatusCode);
        return Encoding.UTF8.GetString(body.ToArray());
    }

    public void Dispose()
    {
        Pipeline.Dispose();
        _services.Dispose();
    }
}
