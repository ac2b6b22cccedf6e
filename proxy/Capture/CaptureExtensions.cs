namespace LlmGateway.Capture;

/// <summary>How the capture step plugs into the proxy pipeline.</summary>
internal static class CaptureExtensions
{
    /// <summary>
    /// Proxy-pipeline step, after the cache (only misses are captured) and before the forward limit and the failover:
    /// the capture's start time is the start of upstream time.
    /// </summary>
    public static IReverseProxyApplicationBuilder UseResponseCapture(this IReverseProxyApplicationBuilder proxy)
    {
        proxy.UseMiddleware<ResponseCaptureMiddleware>();
        return proxy;
    }
}
