using System.Diagnostics.Metrics;
using System.Net;
using LlmGateway.Capture;
using LlmGateway.Demo;
using LlmGateway.Gateway;
using LlmGateway.Metrics;
using LlmGateway.Routing;
using LlmGateway.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace LlmGateway.Tests.Metrics;

public sealed class CardinalityTests
{
    [Fact]
    public async Task A_thousand_random_model_and_provider_names_produce_only_configured_labels_and_other()
    {
        await using var upstream = await FakeUpstream.StartAsync(new FakeUpstreamOptions());
        await using var gateway = await GatewayHost.StartAsync(GatewayHost.BasicSettings(upstream.BaseUrl));
        var routing = gateway.App.Services.GetRequiredService<RoutingMetrics>();
        var requests = gateway.App.Services.GetRequiredService<GatewayMetrics>();
        var time = gateway.App.Services.GetRequiredService<TimeProvider>();
        var random = new Random(42);
        Assert.True(gateway.App.Services.GetRequiredService<GatewayConfigStore>().Current.Teams.TryFind(LlmGateway.Auth.TeamKeys.Sha256Hex(GatewayHost.TeamKey), out var team));
        string RandomName() => "model-" + random.Next().ToString("x8") + (random.Next(3) == 0 ? "\"\\\n" : "");

        for (var i = 0; i < 1000; i++)
        {
            var provider = new Provider
            {
                Name = i % 2 == 0 ? "main" : RandomName(), IsAzure = false, ApiKey = null, Timeout = TimeSpan.FromSeconds(1), Headers = [],
                ApiVersion = "", BaseUrls = [], LoadBalancingPolicy = "", PassiveHealth = new PassiveHealthSettings(0.3, TimeSpan.FromSeconds(60), 10, TimeSpan.FromSeconds(30)),
            };
            var model = i % 10 == 0 ? "gpt-4o-mini" : RandomName();
            var context = new DefaultHttpContext();
            context.Request.Path = "/v1/chat/completions";
            var exchange = GatewayExchange.Start(context, team, new GatewayRequest(OpenAiEndpoint.ChatCompletions, null, default, null, null, stream: false));
            ((ICaptureExchange)exchange).StartCapture(1024, time.GetTimestamp()).EndedTimestamp = time.GetTimestamp();
            var attempt = ((IFailoverExchange)exchange).BeginAttempt(new UpstreamTarget(model, provider, model), 0, isLast: false, cluster: null);
            routing.FallbackTaken(attempt, UpstreamFailure.Status5xx);
            requests.RequestEnded(context, TimeSpan.FromMilliseconds(5));
        }
        // And through HTTP: unknown models are answered 404 and never become labels.
        await Parallel.ForAsync(0, 200, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (_, ct) =>
        {
            using var response = await gateway.Client().PostAsync("/v1/chat/completions", Json.Chat("random-" + Guid.NewGuid().ToString("N"), "x"), ct);
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        });

        var m = await MetricsScrape.ParsedAsync(gateway);

        string[] configuredModels = ["gpt-4o-mini", "text-embedding-3-small"];
        var allowedModels = configuredModels.Append(MetricLabels.Other).Append(MetricLabels.None).ToHashSet();
        var allowedProviders = new HashSet<string> { "main", MetricLabels.Other, MetricLabels.None };
        var samples = m.Families.Values.SelectMany(f => f.Samples).ToList();
        var models = samples.Where(s => s.Labels.ContainsKey("model")).Select(s => s["model"]).ToHashSet();
        var providers = samples.Where(s => s.Labels.ContainsKey("provider")).Select(s => s["provider"]).ToHashSet();
        Assert.Subset(allowedModels, models);
        Assert.Subset(allowedProviders, providers);
        Assert.Equal(["gpt-4o-mini", MetricLabels.Other], m.Find("llm_gateway_fallbacks_total").Select(s => s["model"]).Order().Distinct());
        Assert.Equal(1000, m.Sum("llm_gateway_fallbacks_total"));
        // (gpt-4o-mini, main), (other, main), (other, other): every 10th name is configured and also even, so always on "main".
        Assert.Equal(3, m.Find("llm_gateway_fallbacks_total").Count());
        Assert.Equal(1000, m.Sum("llm_gateway_upstream_duration_seconds_count"));
        Assert.Equal(200, m.Sum("llm_gateway_requests_total", ("model", MetricLabels.None), ("status_class", "4xx")));
        Assert.Equal(1000, m.Sum("llm_gateway_requests_total", ("status_class", "2xx")));
    }

    [Fact]
    public void The_sdk_cardinality_limit_caps_series_per_instrument_and_folds_the_rest_into_an_overflow_series()
    {
        using var stand = new StandalonePipeline(new MetricsOptions { CardinalityLimit = 10 });
        var counter = stand.Factory.Create("LlmGateway.Tests").CreateCounter<long>("llm_gateway.test.unbounded");
        for (var i = 0; i < 50; i++)
            counter.Add(1, new KeyValuePair<string, object?>("id", "v" + i));

        var series = PrometheusText.Parse(stand.Scrape()).Find("llm_gateway_test_unbounded_total").ToList();

        // OpenTelemetry 1.20 keeps CardinalityLimit series and adds the one overflow series.
        Assert.InRange(series.Count, 2, 11);
        Assert.Equal(10, series.Count(s => s["otel_metric_overflow"] == ""));
        Assert.Contains(series, s => s["otel_metric_overflow"] == "true");
        Assert.Equal(50, series.Sum(s => s.Value)); // nothing is lost, only folded
    }
}
