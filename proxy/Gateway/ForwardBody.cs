using System.Text.Json;
using System.Text.Json.Nodes;
using LlmGateway.Routing;

namespace LlmGateway.Gateway;

/// <summary>
/// The forward-time transform of the body: the bytes one attempt sends to its target. The client's own bytes when
/// nothing changes; else the parsed body written out with the target's upstream model name and, when the budgets step
/// planned it, <c>stream_options.include_usage: true</c>. The parsed body itself is never changed here, so the cache
/// key, the estimates and a fallback's attempt all read the client's request.
/// </summary>
internal static class ForwardBody
{
    private const string ModelProperty = "model";
    private const string StreamOptionsProperty = "stream_options";
    private const string IncludeUsageProperty = "include_usage";

    /// <summary>Whole arrays (the client's buffer or a fresh serialisation), so the caller can wrap them without copying.</summary>
    public static ReadOnlyMemory<byte> For(IGatewayExchange exchange, UpstreamTarget target)
    {
        var request = exchange.Request;
        if (request.Body is not { } body)
            return request.RawBody;
        var renameModel = request.RequestedModel is not null && !string.Equals(target.UpstreamModel, request.RequestedModel, StringComparison.Ordinal);
        var askForUsage = exchange.Forward.AskForStreamUsage;
        if (!renameModel && !askForUsage && !exchange.BodyRedacted)
            return request.RawBody;

        // Property order and escaping as JsonSerializer would write the edited JsonObject: edits in place, additions last.
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(request.RawBody.Length + 64);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            var wroteStreamOptions = false;
            foreach (var (name, value) in body)
            {
                writer.WritePropertyName(name);
                if (name == ModelProperty && request.RequestedModel is not null)
                    writer.WriteStringValue(target.UpstreamModel);
                else if (name == StreamOptionsProperty && askForUsage)
                {
                    WriteWithUsage(writer, value as JsonObject);
                    wroteStreamOptions = true;
                }
                else
                    WriteValue(writer, value);
            }
            if (askForUsage && !wroteStreamOptions)
            {
                writer.WritePropertyName(StreamOptionsProperty);
                WriteWithUsage(writer, null);
            }
            writer.WriteEndObject();
        }
        return buffer.WrittenMemory;
    }

    private static void WriteWithUsage(Utf8JsonWriter writer, JsonObject? options)
    {
        writer.WriteStartObject();
        var wrote = false;
        if (options is not null)
        {
            foreach (var (name, value) in options)
            {
                writer.WritePropertyName(name);
                if (name == IncludeUsageProperty)
                {
                    writer.WriteBooleanValue(true);
                    wrote = true;
                }
                else
                    WriteValue(writer, value);
            }
        }
        if (!wrote)
            writer.WriteBoolean(IncludeUsageProperty, true);
        writer.WriteEndObject();
    }

    private static void WriteValue(Utf8JsonWriter writer, JsonNode? value)
    {
        if (value is null)
            writer.WriteNullValue();
        else
            value.WriteTo(writer);
    }
}
