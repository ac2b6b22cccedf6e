using System.IO.Pipelines;
using LlmGateway.Budgets.Usage;

namespace LlmGateway.Budgets;

/// <summary>
/// The response body under the budgets step. A later step may end the response before the pipeline returns
/// (the cache completes it on a miss, then stores): <see cref="CompleteAsync"/> therefore settles first, so
/// the client never receives the end of a response whose usage record is not yet committed. When the gateway
/// asked for stream usage on the client's behalf it also removes the <c>"usage":null</c> fields the client
/// would not have received (the capture tee hands it whole SSE events when it holds one back).
/// </summary>
internal sealed class SettlingResponseBody(IHttpResponseBodyFeature inner, bool stripUsageNull, Func<Task> settle) : Stream, IHttpResponseBodyFeature
{
    private PipeWriter? _writer;

    Stream IHttpResponseBodyFeature.Stream => this;

    PipeWriter IHttpResponseBodyFeature.Writer => _writer ??= PipeWriter.Create(this, new StreamPipeWriterOptions(leaveOpen: true));

    public void DisableBuffering() => inner.DisableBuffering();

    public Task StartAsync(CancellationToken cancellationToken = default) => inner.StartAsync(cancellationToken);

    public Task SendFileAsync(string path, long offset, long? count, CancellationToken cancellationToken = default) =>
        inner.SendFileAsync(path, offset, count, cancellationToken);

    public async Task CompleteAsync()
    {
        if (_writer is not null)
            await _writer.FlushAsync();
        await settle();
        await inner.CompleteAsync();
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
        inner.Stream.WriteAsync(stripUsageNull ? StreamUsage.StripUsageNull(buffer) : buffer, cancellationToken);

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer, offset, count, default).GetAwaiter().GetResult();

    public override Task FlushAsync(CancellationToken cancellationToken) => inner.Stream.FlushAsync(cancellationToken);

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
