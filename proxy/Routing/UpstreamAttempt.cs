using Yarp.ReverseProxy.Model;

namespace LlmGateway.Routing;

/// <summary>The attempt in flight: which target, whether a fallback remains. Set as a request feature per attempt.</summary>
internal sealed class UpstreamAttempt(UpstreamTarget target, int index, bool isLast)
{
    public UpstreamTarget Target { get; } = target;

    /// <summary>0 for the model's own target, 1.. for fallbacks.</summary>
    public int Index { get; } = index;

    /// <summary>No fallback remains: whatever the provider answers goes to the client.</summary>
    public bool IsLast { get; } = isLast;

    /// <summary>The YARP cluster of the target's provider, once the request has been reassigned to it.</summary>
    public ClusterState? Cluster { get; set; }

    /// <summary>Set by the response transform when the provider answered 429/5xx and the body was held back for a fallback.</summary>
    public int? RejectedStatus { get; set; }
}
