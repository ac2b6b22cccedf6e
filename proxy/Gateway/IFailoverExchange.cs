using LlmGateway.Routing;
using Yarp.ReverseProxy.Model;

namespace LlmGateway.Gateway;

/// <summary>The failover step's access: the upstream attempts, one after the other.</summary>
internal interface IFailoverExchange : IGatewayExchange
{
    /// <param name="cluster">The YARP cluster of the target's provider; null when it is not available (the attempt ends in a 502).</param>
    UpstreamAttempt BeginAttempt(UpstreamTarget target, int index, bool isLast, ClusterState? cluster);
}
