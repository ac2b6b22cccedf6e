using System.IO.Pipelines;

namespace LlmGateway.Capture;

/// <summary>
/// Replaces the response body for the forward: every write goes to the client at once (no added
/// buffering) and into the <see cref="CapturedResponse"/>. Only when an SSE event may be held back
/// are writes cut at event boundaries.
/// </summary>
internal sealed class CapturingBodyFeature : Stream, IHttpResponseBodyFeature
{
    private readonly IHttpResponseBodyFeature _inner;
    private readonly HttpResponse _response;
    private readonly CapturedResponse _capture;
    private readonly TimeProvider _time;
    private SseFramer? _framer;
    private PipeWriter? _writer;

    public CapturingBodyFeature(IHttpResponseBodyFeature inner, HttpResponse response, CapturedResponse capture, TimeProvider time)
    {
        _inner = inner;
        _response = response;
        _capture = capture;
        _time = time;
    }

    Stream IHttpResponseBodyFeature.Stream => this;

    PipeWriter IHttpResponseBodyFeature.Writer => _writer ??= PipeWriter.Create(this, new StreamPipeWriterOptions(leaveOpen: true));

    public void DisableBuffering() => _inner.DisableBuffering();

    public Task StartAsync(CancellationToken cancellationToken = default) => _inner.StartAsync(cancellationToken);

    public Task SendFileAsync(string path, long offset, long? count, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("The gateway never sends files.");

    public async Task CompleteAsync()
    {
        if (_writer is not null)
            await _writer.FlushAsync();
        await _inner.CompleteAsync();
    }

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
            await _inner.Stream.WriteAsync(buffer, cancellationToken);
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
            await _inner.Stream.WriteAsync(e, cancellationToken);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer, offset, count, default).GetAwaiter().GetResult();

    public override Task FlushAsync(CancellationToken cancellationToken) => _inner.Stream.FlushAsync(cancellationToken);

    public override void Flush() => FlushAsync(default).GetAwaiter().GetResult();

    /// <summary>Sends what an unfinished final event left behind (when nothing is held back there is none).</summary>
    internal async Task FlushRemainderAsync(CancellationToken cancellationToken)
    {
        if (_framer is { Remainder.Length: > 0 } framer)
            await _inner.Stream.WriteAsync(framer.Remainder, cancellationToken);
    }

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
}
