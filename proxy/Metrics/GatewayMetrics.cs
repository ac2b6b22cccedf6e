using System.Diagnostics;
using System.Diagnostics.Metrics;
using LlmGateway.Auth;
using LlmGateway.Caching;
using LlmGateway.Capture;
using LlmGateway.Gateway;
using LlmGateway.Routing;

namespace LlmGateway.Metrics;

/// <summary>
/// Instruments of the request path (meter <c>LlmGateway.Gateway</c>): requests and their duration by team, model,
/// provider, cache result and status class; the gateway's own overhead; build info; config reloads.
/// Only <c>/v1</c> calls are counted as requests (not health checks, scrapes or the admin API).
/// </summary>
internal sealed class GatewayMetrics : IDisposable
{
    public const string MeterName = "LlmGateway.Gateway";
    public const string RequestsName = "llm_gateway.requests";
    public const string RequestDurationName = "llm_gateway.request.duration";
    public const string OverheadName = "llm_gateway.overhead";
    public const string BuildInfoName = "llm_gateway.build.info";
    public const string ConfigReloadsName = "llm_gateway.config.reloads";
    public const string ConfigLastReloadSuccessName = "llm_gateway.config.last_reload_success";

    private readonly MetricLabels _labels;
    private readonly RoutingMetrics _routing;
    private readonly GatewayConfigStore _config;
    private readonly TimeProvider _time;
    private readonly Counter<long> _requests;
    private readonly Histogram<double> _duration;
    private readonly Histogram<double> _overhead;
    private readonly Counter<long> _reloads;
    private volatile int _lastReloadSucceeded = 1;

    public GatewayMetrics(IMeterFactory meterFactory, MetricLabels labels, RoutingMetrics routing, GatewayConfigStore config, TimeProvider time, BuildInfo build)
    {
        _labels = labels;
        _routing = routing;
        _config = config;
        _time = time;
        var meter = meterFactory.Create(MeterName);
        _requests = meter.CreateCounter<long>(RequestsName, "{request}",
            "Requests to /v1 by team, model, provider that answered, cache result and status class.");
        _duration = meter.CreateHistogram<double>(RequestDurationName, "s",
            "Whole request duration as the gateway saw it (a stream ends with its last byte).");
        _overhead = meter.CreateHistogram<double>(OverheadName, "s",
            "Time spent in the gateway itself: request duration minus upstream time.");
        _reloads = meter.CreateCounter<long>(ConfigReloadsName, "{reload}",
            "Configuration reload attempts by result (success, failure).");
        var buildTags = new KeyValuePair<string, object?>[] { new("version", build.Version), new("commit", build.Commit) };
        meter.CreateObservableGauge(BuildInfoName, () => new Measurement<int>(1, buildTags),
            description: "Always 1; the labels tell the running version and commit.");
        meter.CreateObservableGauge(ConfigLastReloadSuccessName, () => _lastReloadSucceeded,
            description: "1 when the last configuration reload was applied (or none was tried yet), 0 when it was rejected.");
        config.ReloadAttempted += OnReloadAttempted;
    }

    /// <summary>Called once per request by the outermost step, after the response is complete.</summary>
    public void RequestEnded(HttpContext context, TimeSpan elapsed)
    {
        if (!context.Request.Path.StartsWithSegments("/v1"))
            return;
        var exchange = context.Exchange();
        var attempt = exchange?.Attempt;
        var capture = exchange?.Capture;
        var cache = MetricLabels.Cache(exchange?.Cache?.Result);
        var model = exchange?.Request.Model?.Name;
        var modelLabel = model is null ? MetricLabels.None : _labels.Model(model);
        var providerLabel = attempt is null ? MetricLabels.None : _labels.Provider(attempt.Target.Provider.Name);
        if (_requests.Enabled || _duration.Enabled)
        {
            // The auth step's result: also known for requests refused before the exchange was created (unknown model, ...).
            var team = context.Features.Get<TeamIdentity>()?.Team;
            var tags = new TagList
            {
                { "team", team is null ? MetricLabels.None : _labels.Team(team) },
                { "model", modelLabel },
                { "provider", providerLabel },
                { "cache", cache },
                { "status_class", MetricLabels.StatusClass(context.Response.StatusCode) },
            };
            _requests.Add(1, tags);
            _duration.Record(elapsed.TotalSeconds, tags);
        }
        if (_overhead.Enabled)
        {
            // The provider's own time, timed in the forwarder's client: the forwarder's work around it is the gateway's.
            var provider = capture?.ProviderTime ?? TimeSpan.Zero;
            _overhead.Record(Math.Max(0, (elapsed - provider).TotalSeconds), new KeyValuePair<string, object?>("cache", cache));
        }
        if (attempt is not null && capture is not null)
        {
            // The upstream families name the model of the final attempt (a fallback's own name after a fallback).
            var upstreamModel = ReferenceEquals(attempt.Target.Model, model) ? modelLabel : _labels.Model(attempt.Target.Model);
            _routing.RequestEnded(capture, providerLabel, upstreamModel);
        }
    }

    private void OnReloadAttempted(bool applied)
    {
        _lastReloadSucceeded = applied ? 1 : 0;
        _reloads.Add(1, new KeyValuePair<string, object?>("result", applied ? "success" : "failure"));
    }

    public void Dispose() => _config.ReloadAttempted -= OnReloadAttempted;
}
