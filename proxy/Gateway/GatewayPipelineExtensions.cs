namespace LlmGateway.Gateway;

/// <summary>How the Gateway's own step plugs into the proxy pipeline.</summary>
internal static class GatewayPipelineExtensions
{
    /// <summary>
    /// Proxy-pipeline step, first: decides whether the request may be forwarded, reads and parses the body once, resolves
    /// the model, checks the team may use it, and creates the request's <see cref="GatewayExchange"/>.
    /// </summary>
    public static IReverseProxyApplicationBuilder UseRequestParsing(this IReverseProxyApplicationBuilder proxy)
    {
        proxy.UseMiddleware<RequestParsingMiddleware>();
        return proxy;
    }
}
