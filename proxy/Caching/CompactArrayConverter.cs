using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace LlmGateway.Caching;

/// <summary>
/// Writes a number array on one line (shortest round-trip form), so a tree ensemble of thousands of numbers stays a small,
/// diffable file instead of one number per indented line; reads any JSON number array.
/// </summary>
internal sealed class CompactArrayConverter<T> : JsonConverter<T[]>
    where T : struct, IFormattable
{
    public override T[]? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
            throw new JsonException("expected an array of numbers");
        var values = new List<T>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            values.Add(typeof(T) == typeof(int) ? (T)(object)reader.GetInt32()
                : typeof(T) == typeof(float) ? (T)(object)reader.GetSingle()
                : typeof(T) == typeof(double) ? (T)(object)reader.GetDouble()
                : throw new JsonException($"unsupported element type {typeof(T).Name}"));
        }
        return [.. values];
    }

    public override void Write(Utf8JsonWriter writer, T[] value, JsonSerializerOptions options)
    {
        var text = new StringBuilder("[");
        for (var i = 0; i < value.Length; i++)
        {
            if (i > 0)
                text.Append(',');
            text.Append(value[i].ToString(typeof(T) == typeof(int) ? null : "R", CultureInfo.InvariantCulture));
        }
        writer.WriteRawValue(text.Append(']').ToString(), skipInputValidation: true);
    }
}
