using LlmGateway.Capture;

namespace LlmGateway.Caching;

/// <summary>
/// The response body under the capture on a miss. An answer with a Content-Length reaches the client with its last
/// write, before the pipeline returns: that write first lets the cache store the answer (the capture already holds it),
/// so a repeat the client sends the moment it has the answer finds it. Chunked answers and streams end only after the
/// pipeline returns, so the caching step stores those when the forward returns.
/// </summary>
internal sealed class StoreBeforeLastByteBody(IHttpResponseBodyFeature inner, HttpResponse response, Func<ValueTask> store) : ResponseBodyWrapper(inner)
{
    private long _written;

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        _written += buffer.Length;
        if (response.ContentLength is { } length && _written >= length)
            await store();
        await Inner.Stream.WriteAsync(buffer, cancellationToken);
    }
}
