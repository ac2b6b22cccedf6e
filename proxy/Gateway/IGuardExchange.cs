namespace LlmGateway.Gateway;

/// <summary>The guard step's access: it may redact the parsed body in place, before budgets and the cache key read it.</summary>
internal interface IGuardExchange : IGatewayExchange
{
    /// <summary>Says that the guard replaced values in the body, so the forward sends the edited body, not the client's bytes.</summary>
    void MarkBodyRedacted();

    /// <summary>The response goes out without <c>Content-Length</c> (restored values change the length).</summary>
    void DropContentLengthOnStart();
}
