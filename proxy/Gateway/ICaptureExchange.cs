using LlmGateway.Capture;

namespace LlmGateway.Gateway;

/// <summary>The capture step's access: it creates the capture, right before the forward, once.</summary>
internal interface ICaptureExchange : IGatewayExchange
{
    /// <param name="startedTimestamp">When the forward starts (TimeProvider): upstream time and time to first token count from here.</param>
    CapturedResponse StartCapture(long maxBytes, long startedTimestamp);
}
