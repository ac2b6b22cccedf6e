using System.Collections.Concurrent;
using System.Net;
using System.Text;
using LlmGateway.Demo;
using LlmGateway.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LlmGateway.Tests.Metrics;

public sealed class OtlpExportTests
{
    [Fact]
    public async Task With_otlp_enabled_the_same_instruments_are_pushed_to_the_collector_as_protobuf()
    {
        var received = new ConcurrentQueue<(string Path, string? ContentType, byte[] Body)>();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        await using var collector = builder.Build();
        collector.Run(async context =>
        {
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body);
            received.Enqueue((context.Request.Path, context.Request.ContentType, body.ToArray()));
            context.Response.ContentType = "application/x-protobuf";
        });
        await collector.StartAsync();
        var collectorUrl = collector.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();

        await using var upstream = await FakeUpstream.StartAsync(new FakeUpstreamOptions());
        var settings = GatewayHost.BasicSettings(upstream.BaseUrl);
        settings["Gateway:Metrics:Otlp:Enabled"] = "true";
        settings["Gateway:Metrics:Otlp:Protocol"] = "http/protobuf";
        settings["Gateway:Metrics:Otlp:Endpoint"] = collectorUrl + "/v1/metrics";
        settings["Gateway:Metrics:Otlp:Interval"] = "00:00:00.200";
        await using var gateway = await GatewayHost.StartAsync(settings);
        using (var r = await gateway.Client().PostAsync("/v1/chat/completions", Json.Chat("mini", "hi"))) Assert.Equal(HttpStatusCode.OK, r.StatusCode);

        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!received.Any(r => Encoding.UTF8.GetString(r.Body).Contains("llm_gateway.requests")) && DateTime.UtcNow < deadline)
            await Task.Delay(100);

        var export = received.LastOrDefault(r => Encoding.UTF8.GetString(r.Body).Contains("llm_gateway.requests"));
        Assert.True(export.Body is not null, $"no OTLP export carried llm_gateway.requests ({received.Count} posts received)");
        Assert.Equal("/v1/metrics", export.Path);
        Assert.Equal("application/x-protobuf", export.ContentType);
        var text = Encoding.UTF8.GetString(export.Body);
        Assert.Contains("LlmGateway.Gateway", text);
        Assert.Contains("team-a", text);
        // Prometheus scraping keeps working beside the push.
        Assert.Equal(1, (await MetricsScrape.ParsedAsync(gateway)).Sum("llm_gateway_requests_total"));
    }
}
