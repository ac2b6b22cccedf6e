using LlmGateway.Budgets.Usage;
using LlmGateway.Capture;

namespace LlmGateway.Budgets;

/// <summary>
/// The response body under the budgets step. A later step may end the response before the pipeline returns:
/// completion therefore settles first, so the client never receives the end of a response whose usage record
/// is not yet committed. When the gateway asked for stream usage on the client's behalf it also removes the
/// <c>"usage":null</c> fields the client would not have received (the capture tee hands it whole SSE events
/// when it holds one back).
/// </summary>
internal sealed class SettlingResponseBody(IHttpResponseBodyFeature inner, bool stripUsageNull, Func<Task> settle) : ResponseBodyWrapper(inner)
{
    protected override Task OnCompletingAsync() => settle();

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
        Inner.Stream.WriteAsync(stripUsageNull ? StreamUsage.StripUsageNull(buffer) : buffer, cancellationToken);
}
