using System.Net;

namespace LlmGateway.Capture;

/// <summary>
/// The provider's body as the forwarder reads it: calls <c>ended</c> once, when the body is read to its end, or when
/// it is disposed before (a failed or abandoned read, a body the gateway suppressed).
/// </summary>
internal sealed class ProviderTimedContent : HttpContent
{
    private readonly HttpContent _inner;
    private Action? _ended;

    public ProviderTimedContent(HttpContent inner, Action ended)
    {
        _inner = inner;
        _ended = ended;
        foreach (var header in inner.Headers)
            Headers.TryAddWithoutValidation(header.Key, header.Value);
    }

    private void End() => Interlocked.Exchange(ref _ended, null)?.Invoke();

    protected override async Task<Stream> CreateContentReadStreamAsync(CancellationToken cancellationToken) =>
        new Body(await _inner.ReadAsStreamAsync(cancellationToken), this);

    protected override Task<Stream> CreateContentReadStreamAsync() => CreateContentReadStreamAsync(CancellationToken.None);

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        try
        {
            await _inner.CopyToAsync(stream, context, cancellationToken);
        }
        finally
        {
            End();
        }
    }

    protected override bool TryComputeLength(out long length)
    {
        length = 0;
        return false;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            End();
            _inner.Dispose();
        }
        base.Dispose(disposing);
    }

    private sealed class Body(Stream inner, ProviderTimedContent content) : ReadOnlyStream
    {
        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var read = await inner.ReadAsync(buffer, cancellationToken);
            if (read == 0 && buffer.Length > 0)
                content.End();
            return read;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override int Read(byte[] buffer, int offset, int count)
        {
            var read = inner.Read(buffer, offset, count);
            if (read == 0 && count > 0)
                content.End();
            return read;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                content.End();
                inner.Dispose();
            }
            base.Dispose(disposing);
        }

        public override async ValueTask DisposeAsync()
        {
            content.End();
            await inner.DisposeAsync();
            await base.DisposeAsync();
        }
    }
}
