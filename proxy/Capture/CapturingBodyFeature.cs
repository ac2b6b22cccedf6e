namespace LlmGateway.Capture;

/// <summary>
/// Replaces the response body for the forward: every write goes to the client at once (no added
/// buffering) and into the <see cref="CapturedResponse"/>. Only when an SSE event may be held back
/// or the stream may be cut off are writes cut at event boundaries; then the capture holds exactly the
/// events that went by (sent or held back), never what followed a cutoff.
/// </summary>
internal sealed class CapturingBodyFeature(IHttpResponseBodyFeature inner, HttpResponse response, CapturedResponse capture, TimeProvider time)
    : ResponseBodyWrapper(inner)
{
    private readonly HttpResponse _response = response;
    private readonly CapturedResponse _capture = capture;
    private readonly TimeProvider _time = time;
    private SseFramer? _framer;

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_capture.FirstByteTimestamp is null)
        {
            _capture.FirstByteTimestamp = _time.GetTimestamp();
            _capture.StatusCode = _response.StatusCode;
            _capture.ContentType = _response.ContentType;
        }
        // After a cutoff the forwarder may still hand over what it had read; none of it is the client's.
        if (_capture.CutShort)
            return;
        if (!_capture.IsEventStream || (_capture.HoldBackEvent is null && _capture.Cutoff is null))
        {
            _capture.Append(buffer.Span);
            await Inner.Stream.WriteAsync(buffer, cancellationToken);
            return;
        }
        _framer ??= new SseFramer();
        var events = new List<ReadOnlyMemory<byte>>();
        _framer.Feed(buffer.Span, e => events.Add(e.ToArray()));
        foreach (var e in events)
            await ForwardEventAsync(e, cancellationToken);
    }

    /// <summary>Sends what an unfinished final event left behind (when events are not framed there is none).</summary>
    internal async Task FlushRemainderAsync(CancellationToken cancellationToken)
    {
        if (_framer is { Remainder.Length: > 0 } framer)
            await ForwardEventAsync(framer.TakeRemainder(), cancellationToken);
    }

    /// <summary>Keeps an unfinished final event that was never sent (the forward failed) in the capture, for usage estimates.</summary>
    internal void CaptureUnsentRemainder()
    {
        if (_framer is { Remainder.Length: > 0 } framer && !_capture.CutShort)
            _capture.Append(framer.TakeRemainder().Span);
    }

    private async ValueTask ForwardEventAsync(ReadOnlyMemory<byte> sseEvent, CancellationToken cancellationToken)
    {
        if (_capture.CutShort)
            return;
        if (_capture.Cutoff is { } cutoff && !cutoff.Admits(sseEvent))
        {
            // The reading side (CuttableUpstreamContent) sees this flag and aborts the provider's call.
            _capture.CutShort = true;
            await Inner.Stream.WriteAsync(cutoff.FinalEvent, cancellationToken);
            return;
        }
        _capture.Append(sseEvent.Span);
        if (_capture.HoldBackEvent?.Invoke(sseEvent) != true)
            await Inner.Stream.WriteAsync(sseEvent, cancellationToken);
    }
}
