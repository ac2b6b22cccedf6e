using System.Text.Json;

namespace LlmGateway.Gateway;

/// <summary>
/// What System.Text.Json parses but cannot turn into .NET values: a lone surrogate escape (<c>"\ud800"</c>) in a
/// string or property name, a number beyond the range of a double (<c>1e400</c>). Every later step (cache keys,
/// usage estimates, budgets) reads values, so such a body is refused here, once, instead of failing there.
/// </summary>
internal static class JsonBodyCheck
{
    /// <summary>The problem with <paramref name="json"/>, or null; throws <see cref="JsonException"/> when it is not JSON at all.</summary>
    public static string? Problem(ReadOnlySpan<byte> json, int maxDepth)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = maxDepth });
        while (reader.Read())
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.String or JsonTokenType.PropertyName when reader.ValueIsEscaped:
                    try
                    {
                        reader.GetString();
                    }
                    catch (InvalidOperationException)
                    {
                        return "The JSON body contains an invalid \\u escape (a lone UTF-16 surrogate).";
                    }
                    break;
                case JsonTokenType.Number when !reader.TryGetDouble(out var number) || !double.IsFinite(number):
                    return "The JSON body contains a number outside the range of a double.";
            }
        }
        return null;
    }
}
