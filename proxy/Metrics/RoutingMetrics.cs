using System.Diagnostics;
using System.Diagnostics.Metrics;
using LlmGateway.Capture;
using LlmGateway.Routing;
using Yarp.ReverseProxy.Forwarder;

namespace LlmGateway.Metrics;

/// <summary>
/// Instruments of the routing step (meter <c>LlmGateway.Routing</c>): upstream duration and time to first byte
/// by provider and model, upstream errors by provider and reason, fallbacks taken.
/// </summary>
internal sealed class RoutingMetrics
{
    public const string MeterName = "LlmGateway.Routing";
    public const string UpstreamDurationName = "llm_gateway.upstream.duration";
    public const string TimeToFirstTokenName = "llm_gateway.time_to_first_token";
    public const string UpstreamErrorsName = "llm_gateway.upstream.errors";
    public const string FallbacksName = "llm_gateway.fallbacks";

    private readonly MetricLabels _labels;
    private readonly TimeProvider _time;
    private readonly Histogram<double> _upstreamDuration;
    private readonly Histogram<double> _timeToFirstToken;
    private readonly Counter<long> _upstreamErrors;
    private readonly Counter<long> _fallbacks;

    public RoutingMetrics(IMeterFactory meterFactory, MetricLabels labels, TimeProvider time)
    {
        _labels = labels;
        _time = time;
        var meter = meterFactory.Create(MeterName);
        _upstreamDuration = meter.CreateHistogram<double>(UpstreamDurationName, "s",
            "Time from the forward's start to the provider's last byte, fallback attempts included.");
        _timeToFirstToken = meter.CreateHistogram<double>(TimeToFirstTokenName, "s",
            "Time from the forward's start to the first body byte sent to the client (the first SSE chunk of a stream).");
        _upstreamErrors = meter.CreateCounter<long>(UpstreamErrorsName, "{error}",
            "Failed upstream attempts by provider and reason (timeout, connect, 4xx, 5xx, reset).");
        _fallbacks = meter.CreateCounter<long>(FallbacksName, "{fallback}",
            "Fallbacks taken: the model and provider that failed, and why.");
    }

    /// <summary>After each upstream attempt: counts it as an error when the provider failed (not when the client went away).</summary>
    /// <param name="heldBackStatus">The status of a 429/5xx answer held back for a fallback.</param>
    public void AttemptEnded(HttpContext context, UpstreamAttempt attempt, int? heldBackStatus, ForwarderError? error)
    {
        if (!_upstreamErrors.Enabled)
            return;
        string? reason;
        // A provider-side error counts even though YARP then aborts the client connection (which sets RequestAborted).
        if (error is { } e)
            reason = IsClientSide(e) ? null : UpstreamFailure.Describe(heldBackStatus, e);
        else if (context.RequestAborted.IsCancellationRequested)
            return;
        else if (heldBackStatus is { } rejected)
            reason = UpstreamFailure.Describe(rejected, null);
        else
            reason = context.Response.StatusCode >= 400 ? UpstreamFailure.Describe(context.Response.StatusCode, null) : null;
        if (reason is null)
            return;
        _upstreamErrors.Add(1, new TagList
        {
            { "provider", _labels.Provider(attempt.Target.Provider.Name) },
            { "reason", reason },
        });
    }

    public void FallbackTaken(UpstreamAttempt from, string reason)
    {
        if (!_fallbacks.Enabled)
            return;
        _fallbacks.Add(1, new TagList
        {
            { "model", _labels.Model(from.Target.Model) },
            { "provider", _labels.Provider(from.Target.Provider.Name) },
            { "reason", reason },
        });
    }

    /// <summary>At the end of a request that went upstream: duration and time to first byte, by the (already bounded) labels of the final attempt.</summary>
    public void RequestEnded(ICapturedResponse capture, string providerLabel, string modelLabel)
    {
        if (capture.EndedTimestamp is not { } ended || !_upstreamDuration.Enabled)
            return;
        var tags = new TagList
        {
            { "provider", providerLabel },
            { "model", modelLabel },
        };
        _upstreamDuration.Record(_time.GetElapsedTime(capture.StartedTimestamp, ended).TotalSeconds, tags);
        if (capture.FirstByteTimestamp is { } first)
            _timeToFirstToken.Record(_time.GetElapsedTime(capture.StartedTimestamp, first).TotalSeconds, tags);
    }

    /// <summary>Errors caused by the client (it went away or sent a broken body), not by the provider.</summary>
    private static bool IsClientSide(ForwarderError error) => error is ForwarderError.RequestCanceled or ForwarderError.RequestBodyCanceled
        or ForwarderError.RequestBodyClient or ForwarderError.ResponseBodyCanceled or ForwarderError.ResponseBodyClient;
}
