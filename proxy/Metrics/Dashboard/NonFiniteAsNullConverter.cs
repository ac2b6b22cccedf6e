using System.Text.Json;
using System.Text.Json.Serialization;

namespace LlmGateway.Metrics.Dashboard;

/// <summary>Writes NaN and infinities (e.g. a ratio before any request) as JSON <c>null</c>, which JSON has no numbers for.</summary>
internal sealed class NonFiniteAsNullConverter : JsonConverter<double>
{
    public override bool HandleNull => true;

    public override double Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.Null ? double.NaN : reader.GetDouble();

    public override void Write(Utf8JsonWriter writer, double value, JsonSerializerOptions options)
    {
        if (double.IsFinite(value))
            writer.WriteNumberValue(value);
        else
            writer.WriteNullValue();
    }
}
