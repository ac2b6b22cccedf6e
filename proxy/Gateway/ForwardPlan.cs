using LlmGateway.Capture;

namespace LlmGateway.Gateway;

/// <summary>
/// What the forward does beyond sending the client's request, planned by the budgets step before the cache step.
/// It never changes the parsed body (so the cache key and estimates see the client's request): the failover step
/// applies it while writing each attempt's bytes (<see cref="ForwardBody"/>), the capture step while teeing the answer.
/// </summary>
/// <param name="AskForStreamUsage">Send <c>stream_options.include_usage: true</c> (the client did not ask; settlement needs the usage).</param>
/// <param name="HoldBackEvent">SSE events for which this returns true are captured but not sent to the client.</param>
/// <param name="Cutoff">Ends a streamed answer at the first event it refuses; null: never.</param>
internal sealed record ForwardPlan(bool AskForStreamUsage, Func<ReadOnlyMemory<byte>, bool>? HoldBackEvent, IStreamCutoff? Cutoff)
{
    public static readonly ForwardPlan None = new(false, null, null);
}
