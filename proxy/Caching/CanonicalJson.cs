using System.Text.Json;
using System.Text.Json.Nodes;

namespace LlmGateway.Caching;

/// <summary>
/// Writes JSON with object keys in ordinal order and no insignificant white space, so two requests that
/// mean the same bytes hash the same however the client ordered or spaced them.
/// </summary>
internal static class CanonicalJson
{
    public static void Write(Utf8JsonWriter writer, JsonNode? node)
    {
        switch (node)
        {
            case null:
                writer.WriteNullValue();
                break;
            case JsonObject obj:
                writer.WriteStartObject();
                foreach (var (key, value) in obj.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    writer.WritePropertyName(key);
                    Write(writer, value);
                }
                writer.WriteEndObject();
                break;
            case JsonArray array:
                writer.WriteStartArray();
                foreach (var item in array)
                    Write(writer, item);
                writer.WriteEndArray();
                break;
            case JsonValue value when value.GetValueKind() == JsonValueKind.Number:
                // 0.7 and 0.70 are the same temperature; large integers (seeds) must stay exact.
                if (value.TryGetValue<long>(out var integer)) writer.WriteNumberValue(integer);
                else writer.WriteNumberValue(value.GetValue<double>());
                break;
            default:
                node.WriteTo(writer);
                break;
        }
    }
}
