using System.IO.Pipelines;

namespace LlmGateway.Capture;

/// <summary>
/// A response body a pipeline step puts in front of the real one (<see cref="IHttpResponseBodyFeature"/>):
/// subclasses decide what a write does and may act before the response completes. Everything else passes
/// through to <see cref="Inner"/>. The gateway never sends files, so a wrapper refuses to.
/// </summary>
internal abstract class ResponseBodyWrapper(IHttpResponseBodyFeature inner) : Stream, IHttpResponseBodyFeature
{
    private PipeWriter? _writer;

    protected IHttpResponseBodyFeature Inner { get; } = inner;

    Stream IHttpResponseBodyFeature.Stream => this;

    PipeWriter IHttpResponseBodyFeature.Writer => _writer ??= PipeWriter.Create(this, new StreamPipeWriterOptions(leaveOpen: true));

    public void DisableBuffering() => Inner.DisableBuffering();

    public Task StartAsync(CancellationToken cancellationToken = default) => Inner.StartAsync(cancellationToken);

    public Task SendFileAsync(string path, long offset, long? count, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("The gateway never sends files.");

    public async Task CompleteAsync()
    {
        if (_writer is not null)
            await _writer.FlushAsync();
        await OnCompletingAsync();
        await Inner.CompleteAsync();
    }

    /// <summary>Runs when a step ends the response, before the end reaches the client.</summary>
    protected virtual Task OnCompletingAsync() => Task.CompletedTask;

    public abstract override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default);

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer, offset, count, default).GetAwaiter().GetResult();

    public override Task FlushAsync(CancellationToken cancellationToken) => Inner.Stream.FlushAsync(cancellationToken);

    public override void Flush() => FlushAsync(default).GetAwaiter().GetResult();

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
}
