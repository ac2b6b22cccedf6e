using Yarp.ReverseProxy.Forwarder;

namespace LlmGateway.Capture;

/// <summary>YARP's forwarder client with <see cref="ProviderTimingHandler"/> right above its socket handler.</summary>
internal sealed class ProviderTimingClientFactory(ILogger<ForwarderHttpClientFactory> logger, TimeProvider time) : ForwarderHttpClientFactory(logger)
{
    protected override HttpMessageHandler WrapHandler(ForwarderHttpClientContext context, HttpMessageHandler handler) =>
        new ProviderTimingHandler(base.WrapHandler(context, handler), time);
}
