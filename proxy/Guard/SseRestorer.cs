using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace LlmGateway.Guard;

/// <summary>
/// Restores placeholders in a streamed answer, where the model writes a placeholder over several events
/// (<c>"[EM"</c>, <c>"AIL_"</c>, <c>"1]"</c>). Frames the stream into events (any byte split), and for each text
/// field — chat <c>choices[].delta.content</c>, completions <c>choices[].text</c>, responses <c>delta</c> — keeps back
/// a trailing piece that may still become a placeholder until the next event of the same choice, restores complete
/// ones, and lets the rest go. Held text is flushed into the event that ends its choice. Events it does not change
/// pass through byte for byte.
/// </summary>
internal sealed class SseRestorer(IReadOnlyDictionary<string, string> values) : IResponseRestorer
{
    private static readonly JsonWriterOptions Relaxed = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly ArrayBufferWriter<byte> _partial = new(1024);
    private readonly Dictionary<string, string> _held = new(StringComparer.Ordinal);
    private JsonObject? _lastTextEvent;

    public void Process(ReadOnlySpan<byte> input, IBufferWriter<byte> output)
    {
        _partial.Write(input);
        var pending = _partial.WrittenSpan;
        var consumed = 0;
        while (true)
        {
            var rest = pending[consumed..];
            var end = EventEnd(rest);
            if (end < 0)
                break;
            WriteEvent(rest[..end], output);
            consumed += end;
        }
        if (consumed > 0)
        {
            var left = pending[consumed..].ToArray();
            _partial.ResetWrittenCount();
            _partial.Write(left);
        }
    }

    /// <summary>At the end of the response: any held text in an event of its own, then an unfinished event as it came.</summary>
    public void Flush(IBufferWriter<byte> output)
    {
        FlushHeld(output);
        if (_partial.WrittenCount > 0)
        {
            output.Write(_partial.WrittenSpan);
            _partial.ResetWrittenCount();
        }
    }

    private void FlushHeld(IBufferWriter<byte> output)
    {
        if (_lastTextEvent is { } template)
        {
            foreach (var (key, text) in _held)
                WriteData(WithText(template, key, TextRestorer.Restore(text, values)), output);
        }
        _held.Clear();
    }

    // Length of the first complete event including its blank line, or -1.
    private static int EventEnd(ReadOnlySpan<byte> bytes)
    {
        var lf = bytes.IndexOf("\n\n"u8);
        var crlf = bytes.IndexOf("\r\n\r\n"u8);
        if (lf < 0 && crlf < 0)
            return -1;
        return crlf >= 0 && (lf < 0 || crlf < lf) ? crlf + 4 : lf + 2;
    }

    private void WriteEvent(ReadOnlySpan<byte> raw, IBufferWriter<byte> output)
    {
        var data = DataOf(raw);
        if (data.SequenceEqual("[DONE]"u8))
        {
            FlushHeld(output);
            output.Write(raw);
            return;
        }
        if (data.IsEmpty || data[0] != (byte)'{')
        {
            output.Write(raw);
            return;
        }
        JsonObject? json;
        try
        {
            json = JsonNode.Parse(data) as JsonObject;
        }
        catch (JsonException)
        {
            json = null;
        }
        if (json is null || !Restore(json, output))
        {
            output.Write(raw);
            return;
        }
        // Keep any lines before data (event:, id:) as they were.
        var dataLine = raw.IndexOf("data:"u8);
        output.Write(raw[..dataLine]);
        WriteData(json, output);
    }

    private static void WriteData(JsonObject json, IBufferWriter<byte> output)
    {
        output.Write("data: "u8);
        using (var writer = new Utf8JsonWriter(output, Relaxed))
            json.WriteTo(writer);
        output.Write("\n\n"u8);
    }

    // The data of a single-line event; empty when there is none (or several lines, which OpenAI-style streams never send).
    private static ReadOnlySpan<byte> DataOf(ReadOnlySpan<byte> raw)
    {
        var at = raw.StartsWith("data:"u8) ? 0 : raw.IndexOf("\ndata:"u8) is var i and >= 0 ? i + 1 : -1;
        if (at < 0)
            return default;
        var line = raw[(at + 5)..];
        var eol = line.IndexOf((byte)'\n');
        var data = (eol < 0 ? line : line[..eol]).TrimEnd((byte)'\r');
        if (data.Length > 0 && data[0] == (byte)' ')
            data = data[1..];
        var after = eol < 0 ? default : line[(eol + 1)..];
        return after.IndexOf("data:"u8) >= 0 ? default : data;
    }

    /// <returns>Whether the event changed.</returns>
    private bool Restore(JsonObject json, IBufferWriter<byte> output)
    {
        var changed = false;
        if (json["choices"] is JsonArray choices)
        {
            foreach (var choice in choices.OfType<JsonObject>())
            {
                var key = ChoiceKey(choice);
                var finished = choice["finish_reason"] is JsonValue reason && reason.GetValueKind() == JsonValueKind.String;
                if (choice["delta"] is JsonObject delta)
                    changed |= RestoreField(delta, "content", key, finished, json);
                else if (choice.ContainsKey("text"))
                    changed |= RestoreField(choice, "text", key, finished, json);
            }
            return changed;
        }
        if (json["type"] is not JsonValue type || type.GetValueKind() != JsonValueKind.String)
            return false;
        var kind = type.GetValue<string>();
        var textKey = "r" + json["output_index"]?.ToJsonString() + "." + json["content_index"]?.ToJsonString();
        if (kind == "response.output_text.delta")
            return RestoreField(json, "delta", textKey, finished: false, json);
        if (kind != "response.output_text.done")
            return false;
        // The held end of the text goes out as one more delta before the event that closes it.
        if (_held.Remove(textKey, out var held) && _lastTextEvent is { } template)
            WriteData(WithText(template, textKey, TextRestorer.Restore(held, values)), output);
        if (json["text"] is JsonValue done && done.GetValueKind() == JsonValueKind.String)
        {
            var restored = TextRestorer.Restore(done.GetValue<string>(), values);
            changed = restored != done.GetValue<string>();
            json["text"] = restored;
        }
        return changed;
    }

    private bool RestoreField(JsonObject owner, string field, string key, bool finished, JsonObject json)
    {
        var hadHeld = _held.Remove(key, out var held);
        var incoming = owner[field] is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : null;
        if (incoming is null && !hadHeld)
            return false;
        _lastTextEvent = json;
        var text = held + incoming;
        var cut = finished ? text.Length : TextRestorer.HeldFrom(text);
        if (cut < text.Length)
            _held[key] = text[cut..];
        var restored = TextRestorer.Restore(text[..cut], values);
        if (!hadHeld && cut == text.Length && restored == incoming)
            return false;
        owner[field] = restored;
        return true;
    }

    private static string ChoiceKey(JsonObject choice) => "c" + (choice["index"]?.ToJsonString() ?? "0");

    /// <summary>A copy of <paramref name="template"/> carrying only <paramref name="text"/> for <paramref name="key"/>, and no finish.</summary>
    private static JsonObject WithText(JsonObject template, string key, string text)
    {
        var json = (JsonObject)template.DeepClone();
        if (json["choices"] is JsonArray choices)
        {
            foreach (var choice in choices.OfType<JsonObject>().Where(c => ChoiceKey(c) != key).ToList())
                choices.Remove(choice);
            foreach (var choice in choices.OfType<JsonObject>())
            {
                choice["finish_reason"] = null;
                if (choice["delta"] is JsonObject delta)
                    delta["content"] = text;
                else
                    choice["text"] = text;
            }
        }
        else
        {
            json["delta"] = text;
        }
        return json;
    }
}
