using System.Buffers;
using LlmGateway.Capture;

namespace LlmGateway.Guard;

/// <summary>
/// The client's response body while a redacted request is answered with restore on. Sits in front of the budget,
/// cache and capture steps, so they see (and store) the answer with placeholders and only the client gets values.
/// An event stream is restored per event (a model writes a placeholder over several events); anything else byte by byte.
/// </summary>
internal sealed class RestoringResponseBody(IHttpResponseBodyFeature inner, HttpResponse response, PlaceholderMap placeholders) : ResponseBodyWrapper(inner)
{
    private readonly ArrayBufferWriter<byte> _buffer = new(4096);
    private IResponseRestorer? _restorer;

    private IResponseRestorer Restorer => _restorer ??= response.ContentType?.StartsWith("text/event-stream", StringComparison.OrdinalIgnoreCase) == true
        ? new SseRestorer(placeholders.Values())
        : new PlaceholderRestorer(placeholders.JsonReplacements());

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        _buffer.ResetWrittenCount();
        Restorer.Process(buffer.Span, _buffer);
        if (_buffer.WrittenCount > 0)
            await Inner.Stream.WriteAsync(_buffer.WrittenMemory, cancellationToken);
    }

    /// <summary>Writes what is still held back; the middleware calls it when the pipeline returns, and completing does too.</summary>
    public async Task FlushPendingAsync()
    {
        if (_restorer is null)
            return;
        _buffer.ResetWrittenCount();
        _restorer.Flush(_buffer);
        if (_buffer.WrittenCount > 0)
            await Inner.Stream.WriteAsync(_buffer.WrittenMemory);
    }

    protected override Task OnCompletingAsync() => FlushPendingAsync();
}
