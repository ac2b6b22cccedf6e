using System.Buffers;

namespace LlmGateway.Capture;

/// <summary>
/// What the provider sent, as it went by: status, content type, the body bytes (bounded), timing and
/// whether it completed. Created on the exchange by <see cref="ResponseCaptureMiddleware"/> right before the forward
/// and written only by it and its tee (<see cref="CapturingBodyFeature"/>); the steps before it (budgets settle on it,
/// the cache stores from it) and the metrics read it through <see cref="ICapturedResponse"/> after the forward returns.
/// </summary>
internal sealed class CapturedResponse(long maxBytes, long startedTimestamp,
    Func<ReadOnlyMemory<byte>, bool>? holdBackEvent = null, IStreamCutoff? cutoff = null) : ICapturedResponse, IProviderTimeWriter
{
    private readonly ArrayBufferWriter<byte> _body = new(4096);
    private long _providerTicks;

    /// <summary>Timestamp (TimeProvider) when the forward started.</summary>
    public long StartedTimestamp { get; } = startedTimestamp;

    /// <summary>Timestamp of the first body byte written towards the client; null when none was.</summary>
    public long? FirstByteTimestamp { get; internal set; }

    /// <summary>Timestamp when the forward returned.</summary>
    public long? EndedTimestamp { get; internal set; }

    /// <summary>Time spent at the provider, over every attempt: from the socket handler to the end of its body (<see cref="ProviderTimingHandler"/>).</summary>
    public TimeSpan ProviderTime => TimeSpan.FromTicks(Interlocked.Read(ref _providerTicks));

    void IProviderTimeWriter.AddProviderTime(TimeSpan elapsed) => Interlocked.Add(ref _providerTicks, elapsed.Ticks);

    public int StatusCode { get; internal set; }

    public string? ContentType { get; internal set; }

    public bool IsEventStream => ContentType?.StartsWith("text/event-stream", StringComparison.OrdinalIgnoreCase) == true;

    /// <summary>True when the provider's answer was forwarded whole: no forwarder error, no client abort, not cut short.</summary>
    public bool Completed { get; internal set; }

    /// <summary>True when the body passed the capture limit (then <see cref="Body"/> holds only its start).</summary>
    public bool Truncated { get; private set; }

    /// <summary>Every byte the provider sent (up to the limit), including SSE events held back from the client.</summary>
    public ReadOnlyMemory<byte> Body => _body.WrittenMemory;

    /// <summary>SSE events for which this returns true are captured but not sent to the client (e.g. a usage chunk the client did not ask for).</summary>
    public Func<ReadOnlyMemory<byte>, bool>? HoldBackEvent { get; } = holdBackEvent;

    /// <summary>Ends a streamed answer early at the first event it refuses; null: never.</summary>
    public IStreamCutoff? Cutoff { get; } = cutoff;

    /// <summary>
    /// True once <see cref="Cutoff"/> ended the stream: the client got part of the answer and a final error event,
    /// <see cref="Body"/> holds only what went to the client, and the provider's call is aborted.
    /// </summary>
    public bool CutShort { get; internal set; }

    internal void Append(ReadOnlySpan<byte> bytes)
    {
        if (Truncated)
            return;
        if (_body.WrittenCount + bytes.Length > maxBytes)
        {
            Truncated = true;
            return;
        }
        _body.Write(bytes);
    }
}
