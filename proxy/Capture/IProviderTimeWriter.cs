namespace LlmGateway.Capture;

/// <summary>
/// The outbound handler's access to the capture (<see cref="ProviderTimingHandler"/>): it adds the time each attempt
/// spent at the provider, from handing the request to the socket handler to the end of the provider's body.
/// </summary>
internal interface IProviderTimeWriter
{
    void AddProviderTime(TimeSpan elapsed);
}
