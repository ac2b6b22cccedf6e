using System.Net;
using LlmGateway.Demo;
using LlmGateway.Embeddings;
using LlmGateway.Embeddings.Hashing;
using LlmGateway.Tests.Infrastructure;
using LlmGateway.Tests.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Yarp.ReverseProxy.Transforms;
using Yarp.ReverseProxy.Transforms.Builder;

namespace LlmGateway.Tests.Gateway;

/// <summary>
/// The gateway's own work before the forward (here: embedding the question for the cache lookup) is overhead, not
/// upstream time, whichever steps are on. Regression: with accounting on, the budgets step created the capture (and
/// its start time) before the cache lookup, so the lookup counted as upstream time and the overhead figure was short.
/// </summary>
public sealed class OverheadTimingTests
{
    private static readonly TimeSpan EmbeddingTime = TimeSpan.FromMilliseconds(700);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Cache_lookup_time_is_overhead_not_upstream_time(bool accounting)
    {
        // Only the embedder and the upstream's waits move this clock, so every figure is exact on any machine.
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 6, 0, 0, TimeSpan.Zero));
        var upstreamClock = new FastForwardClock(clock);
        await using var upstream = await FakeUpstream.StartAsync(new FakeUpstreamOptions(), time: upstreamClock);
        var settings = GatewayHost.BasicSettings(upstream.BaseUrl);
        settings["Gateway:Cache:Threshold"] = "0.95"; // semantic lookups: the question is embedded before the forward
        if (accounting)
            settings["Gateway:Prices:gpt-4o-mini:InputPer1M"] = "0.15";
        var embedder = new SlowEmbedder(new HashingEmbedder(384), clock, EmbeddingTime);
        await using var gateway = await GatewayHost.StartAsync(settings, builder =>
        {
            builder.Services.AddSingleton<TimeProvider>(clock);
            builder.Services.AddSingleton<ITextEmbedder>(embedder);
        });
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = Json.Chat("mini", "how long does the gateway take", stream: true) };
        request.Headers.Add("x-fake-latency-ms", "300");
        using (var response = await gateway.Client().SendAsync(request))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("MISS", response.Headers.GetValues("x-cache").Single());
        }

        var m = await MetricsScrape.WhenAsync(gateway, m => m.Sum("llm_gateway_overhead_seconds_count") >= 1);

        Assert.True(embedder.Calls >= 1, "the lookup did not embed the question");
        var waited = upstreamClock.Waited.TotalSeconds;
        var upstreamTime = m.Sum("llm_gateway_upstream_duration_seconds_sum");
        var ttft = m.Sum("llm_gateway_time_to_first_token_seconds_sum");
        var overhead = m.Sum("llm_gateway_overhead_seconds_sum");
        const double Rounding = 1e-6; // the figures went through Prometheus text
        // Upstream time is exactly the upstream's own waits; the embedding before the forward is not in it.
        Assert.Equal(waited, upstreamTime, 6);
        Assert.True(ttft <= waited + Rounding, $"time to first token {ttft} s includes the gateway's {EmbeddingTime.TotalSeconds} s lookup");
        // The embedding before the forward is the gateway's own time.
        Assert.True(overhead >= EmbeddingTime.TotalSeconds - Rounding, $"overhead {overhead} s misses the {EmbeddingTime.TotalSeconds} s lookup (accounting {accounting})");
    }

    /// <summary>
    /// The forwarder's own work (its transforms, request and response plumbing) is the gateway's, not the provider's:
    /// upstream time for the overhead figure is measured where the provider is, in the forwarder's HTTP client.
    /// Regression: it used to run from the capture step to the forward's return, so this work counted as upstream.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Forwarder_work_before_the_provider_is_overhead(bool stream)
    {
        var forwarderWork = TimeSpan.FromMilliseconds(400);
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 7, 0, 0, TimeSpan.Zero));
        var upstreamClock = new FastForwardClock(clock);
        await using var upstream = await FakeUpstream.StartAsync(new FakeUpstreamOptions(), time: upstreamClock);
        await using var gateway = await GatewayHost.StartAsync(GatewayHost.BasicSettings(upstream.BaseUrl), builder =>
        {
            builder.Services.AddSingleton<TimeProvider>(clock);
            builder.Services.AddSingleton<ITransformProvider>(new SlowTransform(clock, forwarderWork));
        });
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = Json.Chat("mini", "where does the time go", stream: stream) };
        request.Headers.Add("x-fake-latency-ms", "300");
        using (var response = await gateway.Client().SendAsync(request))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            await response.Content.ReadAsStringAsync();
        }

        var m = await MetricsScrape.WhenAsync(gateway, m => m.Sum("llm_gateway_overhead_seconds_count") >= 1);

        Assert.True(upstreamClock.Waited > TimeSpan.Zero, "the upstream did not wait");
        // Only the transform and the upstream's waits move the clock: the overhead is exactly the transform's time.
        Assert.Equal(forwarderWork.TotalSeconds, m.Sum("llm_gateway_overhead_seconds_sum"), 6);
    }

    /// <summary>A request transform of the forwarder that moves the gateway's fake clock as if it took <paramref name="cost"/>.</summary>
    private sealed class SlowTransform(FakeTimeProvider clock, TimeSpan cost) : ITransformProvider
    {
        public void ValidateRoute(TransformRouteValidationContext context) { }

        public void ValidateCluster(TransformClusterValidationContext context) { }

        public void Apply(TransformBuilderContext context) => context.AddRequestTransform(_ =>
        {
            clock.Advance(cost);
            return ValueTask.CompletedTask;
        });
    }

    /// <summary>Embeds like <paramref name="inner"/> and moves the gateway's fake clock as if embedding took <paramref name="cost"/>.</summary>
    private sealed class SlowEmbedder(ITextEmbedder inner, FakeTimeProvider clock, TimeSpan cost) : ITextEmbedder
    {
        private int _calls;

        public int Calls => Volatile.Read(ref _calls);

        public string ModelId => inner.ModelId;

        public int Dimension => inner.Dimension;

        public ValueTask<float[]> EmbedAsync(string text, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _calls);
            clock.Advance(cost);
            return inner.EmbedAsync(text, cancellationToken);
        }

        public ValueTask<float[][]> EmbedBatchAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _calls);
            clock.Advance(cost);
            return inner.EmbedBatchAsync(texts, cancellationToken);
        }

        public void Dispose() => inner.Dispose();
    }
}
