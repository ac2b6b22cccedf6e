namespace LlmGateway.Routing;

/// <summary>How the failover step plugs into the proxy pipeline.</summary>
internal static class FailoverExtensions
{
    /// <summary>
    /// Proxy-pipeline step, last before YARP's load balancing and forward: one attempt per target of the model
    /// (its own provider, then its fallbacks) until one answers or a byte reached the client.
    /// </summary>
    public static IReverseProxyApplicationBuilder UseFailover(this IReverseProxyApplicationBuilder proxy)
    {
        proxy.UseMiddleware<FailoverMiddleware>();
        return proxy;
    }
}
