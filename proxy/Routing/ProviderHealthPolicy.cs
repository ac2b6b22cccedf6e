using LlmGateway.Gateway;
using System.Runtime.CompilerServices;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Health;
using Yarp.ReverseProxy.Model;

namespace LlmGateway.Routing;

/// <summary>
/// Passive health across a provider's base URLs: a destination whose transport-failure rate over the provider's
/// <see cref="PassiveHealthSettings.FailureWindow"/> reaches <see cref="PassiveHealthSettings.FailureRateLimit"/>
/// (after at least <see cref="PassiveHealthSettings.FailureMinRequests"/> requests) is taken out for
/// <see cref="PassiveHealthSettings.ReactivationPeriod"/>, then tried again with a fresh history.
/// </summary>
/// <remarks>
/// Used instead of YARP's <c>TransportFailureRate</c> policy for two reasons. YARP's passive health middleware hands
/// the policy the cluster of the <em>route</em>, not the one the failover step reassigned the request to; this
/// gateway has one route (on the default provider's cluster), so for every other provider YARP marked the
/// destination unhealthy but refreshed the wrong cluster's available destinations, and requests kept going to the
/// dead one. Here the cluster is the one the request was actually sent to. And YARP's window, minimum count and
/// (effective) reactivation period are process-wide options, where these are set per provider.
/// Only failures on the provider's side count: a client that cancels or goes away says nothing about the destination.
/// </remarks>
internal sealed class ProviderHealthPolicy(IDestinationHealthUpdater healthUpdater, TimeProvider time) : IPassiveHealthCheckPolicy
{
    public const string PolicyName = "LlmGateway.ProviderFailureRate";

    private readonly ConditionalWeakTable<DestinationState, FailureHistory> _histories = [];

    public string Name => PolicyName;

    public void RequestProxied(HttpContext context, ClusterState routeCluster, DestinationState destination)
    {
        // The cluster the request was sent to (not routeCluster), and only a destination of that cluster:
        // after a fallback the proxied destination of an earlier attempt can still be set.
        if (context.Exchange()?.Attempt is not { Cluster: { } cluster } attempt
            || !cluster.Destinations.TryGetValue(destination.DestinationId, out var own) || !ReferenceEquals(own, destination))
            return;

        var error = context.Features.Get<IForwarderErrorFeature>()?.Error;
        if (error is { } e && !IsDestinationFailure(e))
            return;
        var settings = attempt.Target.Provider.PassiveHealth;
        var history = _histories.GetOrCreateValue(destination);
        lock (history)
        {
            // Answers of requests sent before the destination was taken out say nothing new.
            if (destination.Health.Passive == DestinationHealth.Unhealthy)
                return;
            var window = (long)(settings.FailureWindow.TotalSeconds * time.TimestampFrequency);
            var unhealthy = history.Add(time.GetTimestamp(), window, failed: error is not null, settings.FailureMinRequests, settings.FailureRateLimit);
            if (unhealthy)
                history.Clear();
            healthUpdater.SetPassive(cluster, destination, unhealthy ? DestinationHealth.Unhealthy : DestinationHealth.Healthy, settings.ReactivationPeriod);
        }
    }

    private static bool IsDestinationFailure(ForwarderError error) => error is
        ForwarderError.Request or ForwarderError.RequestTimedOut or ForwarderError.RequestBodyDestination
        or ForwarderError.ResponseBodyDestination or ForwarderError.UpgradeRequestDestination
        or ForwarderError.UpgradeResponseDestination or ForwarderError.UpgradeActivityTimeout;

    /// <summary>Requests and failures in a sliding window, kept as up to ten buckets of a tenth of the window each.</summary>
    private sealed class FailureHistory
    {
        private readonly Queue<(long End, int Total, int Failed)> _closed = new();
        private long _openStart, _openLast;
        private int _openTotal, _openFailed, _total, _failed;

        /// <summary>Records one request; true when the failure rate has reached the limit.</summary>
        public bool Add(long now, long window, bool failed, int minRequests, double rateLimit)
        {
            if (_openTotal > 0 && now - _openStart >= Math.Max(1, window / 10))
            {
                // A closed bucket leaves the window with its last request.
                _closed.Enqueue((_openLast, _openTotal, _openFailed));
                _openTotal = _openFailed = 0;
            }
            if (_openTotal == 0)
                _openStart = now;
            _openLast = now;
            while (_closed.TryPeek(out var oldest) && now - oldest.End > window)
            {
                _closed.Dequeue();
                _total -= oldest.Total;
                _failed -= oldest.Failed;
            }
            _openTotal++;
            _total++;
            if (failed)
            {
                _openFailed++;
                _failed++;
            }
            return _total >= minRequests && (double)_failed / _total >= rateLimit;
        }

        public void Clear()
        {
            _closed.Clear();
            _openTotal = _openFailed = _total = _failed = 0;
        }
    }
}
