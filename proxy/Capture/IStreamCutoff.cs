namespace LlmGateway.Capture;

/// <summary>
/// Decides, one SSE event at a time, whether a streamed answer may go on. A step before the capture sets it on the
/// <see cref="CapturedResponse"/>; the tee ends the stream before the first event it refuses, sends
/// <see cref="FinalEvent"/> instead, and the provider's call is aborted (<see cref="CuttableUpstreamContent"/>).
/// </summary>
internal interface IStreamCutoff
{
    /// <summary>True when <paramref name="sseEvent"/> (a whole event, terminator included) may be forwarded; false ends the stream before it.</summary>
    bool Admits(ReadOnlyMemory<byte> sseEvent);

    /// <summary>The last event the client receives once the stream is ended (an OpenAI-shaped error); read after a refusal.</summary>
    ReadOnlyMemory<byte> FinalEvent { get; }
}
