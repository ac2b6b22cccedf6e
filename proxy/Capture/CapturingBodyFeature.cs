namespace LlmGateway.Capture;

/// <summary>
/// Replaces the response body for the forward: every write goes to the client at once (no added
/// buffering) and into the <see cref="CapturedResponse"/>. Only when an SSE event may be held back
/// are writes cut at event boundaries.
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
        _capture.Append(buffer.Span);
        if (_capture.HoldBackEvent is null || !_capture.IsEventStream)
        {
            await Inner.Stream.WriteAsync(buffer, cancellationToken);
            return;
        }
        _framer ??= new SseFramer();
        var passed = new List<ReadOnlyMemory<byte>>();
        _framer.Feed(buffer.Span, e =>
        {
            if (!_capture.HoldBackEvent(e))
                passed.Add(e.ToArray());
        });
        foreach (var e in passed)
            await Inner.Stream.WriteAsync(e, cancellationToken);
    }

    /// <summary>Sends what an unfinished final event left behind (when nothing is held back there is none).</summary>
    internal async Task FlushRemainderAsync(CancellationToken cancellationToken)
    {
        if (_framer is { Remainder.Length: > 0 } framer)
            await Inner.Stream.WriteAsync(framer.Remainder, cancellationToken);
    }
}
