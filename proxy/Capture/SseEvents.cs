using System.Net.ServerSentEvents;
using System.Runtime.InteropServices;

namespace LlmGateway.Capture;

/// <summary>
/// The events of an SSE body the gateway captured (a whole answer, or one event the tee framed), read with
/// System.Net.ServerSentEvents' parser: multi-line data, LF / CRLF / CR line ends, comments, <c>event:</c> fields.
/// Unlike the parser alone, an event the provider never finished (a stream cut short) is read too: it was forwarded.
/// </summary>
internal static class SseEvents
{
    /// <summary>Each event, its data (<c>[DONE]</c> included) turned into a <typeparamref name="T"/>; the span lives only during the call.</summary>
    public static IEnumerable<SseItem<T>> Read<T>(ReadOnlyMemory<byte> body, SseItemParser<T> parse) =>
        SseParser.Create(Open(body), parse).Enumerate();

    private static MemoryStream Open(ReadOnlyMemory<byte> body)
    {
        var span = body.Span;
        if (!span.IsEmpty && !span.EndsWith("\n\n"u8) && !span.EndsWith("\r\n\r\n"u8) && !span.EndsWith("\r\r"u8))
        {
            // The parser drops an unterminated last event (as the SSE spec says); end it.
            var ended = new byte[span.Length + 2];
            span.CopyTo(ended);
            "\n\n"u8.CopyTo(ended.AsSpan(span.Length));
            return new MemoryStream(ended, writable: false);
        }
        return MemoryMarshal.TryGetArray(body, out var segment)
            ? new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false)
            : new MemoryStream(body.ToArray(), writable: false);
    }
}
