using Yarp.ReverseProxy.Model;

namespace LlmGateway.Routing;

/// <summary>One upstream attempt: which target, whether a fallback remains. Created by the failover step on the exchange; immutable.</summary>
internal sealed class UpstreamAttempt(UpstreamTarget target, int index, bool isLast, ClusterState? cluster = null)
{
    public UpstreamTarget Target { get; } = target;

    /// <summary>0 for the model's own target, 1.. for fallbacks.</summary>
    public int Index { get; } = index;

    /// <summary>No fallback remains: whatever the provider answers goes to the client.</summary>
    public bool IsLast { get; } = isLast;

    /// <summary>The YARP cluster of the target's provider; null when it was not available (the attempt ended in a 502).</summary>
    public ClusterState? Cluster { get; } = cluster;
}
