using System.Text.Json;
using System.Text.Json.Nodes;
using LlmGateway.Capture;
using LlmGateway.Gateway;

namespace LlmGateway.Budgets.Usage;

/// <summary>
/// Streaming chat and completions report usage only when asked (<c>stream_options.include_usage</c>): the
/// gateway always asks (the budgets step plans it, the forward adds it), and when the client did not, hides what that changes — the final usage-only chunk is
/// held back and the <c>"usage":null</c> the provider then adds to every other chunk is removed.
/// </summary>
internal static class StreamUsage
{
    private static ReadOnlySpan<byte> UsageNull => ",\"usage\":null"u8;

    /// <summary>
    /// True when the provider must be asked for usage on the client's behalf (a streamed chat or completions call whose
    /// client did not ask): the forward then adds <c>stream_options.include_usage</c> (<see cref="ForwardBody"/>) and
    /// the extras are hidden from the client.
    /// </summary>
    public static bool MustAskFor(GatewayRequest request) =>
        request.Stream && request.Body is not null
        && request.Endpoint is OpenAiEndpoint.ChatCompletions or OpenAiEndpoint.Completions
        && !request.ClientWantsStreamUsage;

    /// <summary>True for the usage-only chunk (<c>"choices":[]</c> with a usage object) the client did not ask for.</summary>
    public static bool IsUsageOnlyEvent(ReadOnlyMemory<byte> sseEvent)
    {
        var span = sseEvent.Span;
        var at = span.IndexOf("\"usage\""u8);
        if (at < 0 || span.IndexOf("\"usage\":null"u8) >= 0)
            return false;
        foreach (var item in SseEvents.Read(sseEvent, static (_, data) => IsUsageOnly(data)))
        {
            if (item.Data)
                return true;
        }
        return false;
    }

    private static bool IsUsageOnly(ReadOnlySpan<byte> data)
    {
        try
        {
            var reader = new Utf8JsonReader(data);
            if (!JsonDocument.TryParseValue(ref reader, out var json))
                return false;
            using (json)
            {
                var root = json.RootElement;
                return root.ValueKind == JsonValueKind.Object
                       && root.TryGetProperty("usage", out var usage) && usage.ValueKind == JsonValueKind.Object
                       && (!root.TryGetProperty("choices", out var choices) || choices.ValueKind == JsonValueKind.Array && choices.GetArrayLength() == 0);
            }
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>The event without <c>,"usage":null</c>; the same memory when it has none.</summary>
    public static ReadOnlyMemory<byte> StripUsageNull(ReadOnlyMemory<byte> bytes)
    {
        var span = bytes.Span;
        var at = span.IndexOf(UsageNull);
        if (at < 0)
            return bytes;
        var result = new byte[span.Length];
        var written = 0;
        while (at >= 0)
        {
            span[..at].CopyTo(result.AsSpan(written));
            written += at;
            span = span[(at + UsageNull.Length)..];
            at = span.IndexOf(UsageNull);
        }
        span.CopyTo(result.AsSpan(written));
        written += span.Length;
        return result.AsMemory(0, written);
    }
}
