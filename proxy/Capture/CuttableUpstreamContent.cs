using System.Buffers;
using System.Net;
using LlmGateway.Gateway;
using Yarp.ReverseProxy.Transforms;

namespace LlmGateway.Capture;

/// <summary>
/// The provider's answer as the forwarder reads it, when the request's capture has a <see cref="IStreamCutoff"/>.
/// Once the cutoff ended the stream (<see cref="CapturedResponse.CutShort"/>), the next read aborts the provider's
/// call and reports the end of the body. Ending the body normally, rather than failing the read, lets the forwarder
/// finish the client's response cleanly after the final error event: a failed copy would make it reset the client's
/// connection.
/// </summary>
internal sealed class CuttableUpstreamContent : HttpContent
{
    private readonly HttpContent _inner;
    private readonly ICapturedResponse _capture;

    private CuttableUpstreamContent(HttpContent inner, ICapturedResponse capture)
    {
        _inner = inner;
        _capture = capture;
        foreach (var header in inner.Headers)
            Headers.TryAddWithoutValidation(header.Key, header.Value);
    }

    /// <summary>YARP response transform: wraps the body of an answer that may be cut off (the headers are copied by then).</summary>
    public static ValueTask Attach(ResponseTransformContext context)
    {
        if (!context.SuppressResponseBody && context.ProxyResponse is { Content: { } content } response
            && context.HttpContext.Exchange()?.Capture is { Cutoff: not null } capture)
            response.Content = new CuttableUpstreamContent(content, capture);
        return ValueTask.CompletedTask;
    }

    protected override async Task<Stream> CreateContentReadStreamAsync(CancellationToken cancellationToken) =>
        new Body(await _inner.ReadAsStreamAsync(cancellationToken), _capture);

    protected override Task<Stream> CreateContentReadStreamAsync() => CreateContentReadStreamAsync(CancellationToken.None);

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => _inner.CopyToAsync(stream, context);

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken) =>
        _inner.CopyToAsync(stream, context, cancellationToken);

    protected override bool TryComputeLength(out long length)
    {
        length = 0;
        return false;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
            _inner.Dispose();
        base.Dispose(disposing);
    }

    private sealed class Body(Stream inner, ICapturedResponse capture) : ReadOnlyStream
    {
        // Reads of what the provider had already sent before a pending read can be cancelled (16 KiB each).
        private const int MaxDiscardedReads = 64;
        private bool _aborted;

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (capture.CutShort)
            {
                await AbortAsync();
                return 0;
            }
            return await inner.ReadAsync(buffer, cancellationToken);
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count, default).GetAwaiter().GetResult();

        /// <summary>
        /// Closes the provider's connection (HTTP/1.1) or resets its stream (HTTP/2) at once, so it stops generating.
        /// Cancelling a pending read does that; disposing the stream instead would first drain the rest of the answer
        /// (up to 1 MB or 2 s), with the provider still generating — and billing.
        /// </summary>
        private async Task AbortAsync()
        {
            if (_aborted)
                return;
            _aborted = true;
            var scratch = ArrayPool<byte>.Shared.Rent(16 * 1024);
            try
            {
                using var abort = new CancellationTokenSource();
                for (var i = 0; i < MaxDiscardedReads; i++)
                {
                    var read = inner.ReadAsync(scratch, abort.Token);
                    if (!read.IsCompleted)
                        abort.Cancel();
                    if (await read == 0)
                        break;
                }
            }
            catch (Exception ex) when (ex is OperationCanceledException or IOException or HttpRequestException or ObjectDisposedException)
            {
                // The expected end: the read was cancelled and the connection closed.
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(scratch);
                await inner.DisposeAsync();
            }
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
                inner.Dispose();
            base.Dispose(disposing);
        }

        public override async ValueTask DisposeAsync()
        {
            await inner.DisposeAsync();
            await base.DisposeAsync();
        }
    }
}
