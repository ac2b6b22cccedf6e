using System.Buffers;
using System.Text;
using System.Text.Json.Nodes;
using LlmGateway.Guard;

namespace LlmGateway.Tests.Guard;

public sealed class SseRestorerTests
{
    private static readonly Dictionary<string, string> Values = new()
    {
        ["[EMAIL_1]"] = "taro@example.jp",
        ["[PHONE_1]"] = "090-1234-5678 \"mobile\"",
    };

    private static string Chunk(string? content, string? finish = null, int index = 0) =>
        "data: " + new JsonObject
        {
            ["id"] = "chatcmpl-1",
            ["object"] = "chat.completion.chunk",
            ["choices"] = new JsonArray(new JsonObject
            {
                ["index"] = index,
                ["delta"] = content is null ? new JsonObject() : new JsonObject { ["content"] = content },
                ["finish_reason"] = finish,
            }),
        }.ToJsonString() + "\n\n";

    // A model writes placeholders token by token: split over events, and one never finished.
    private static readonly string Stream =
        Chunk("Mail [EM") + Chunk("AIL_") + Chunk("1] or call [") + Chunk("PHONE_1") + Chunk("]. Keep [x] and [EMAIL_9].")
        + Chunk(" Dangling [EMAIL_") + Chunk(null, "stop")
        + "data: {\"id\":\"chatcmpl-1\",\"choices\":[],\"usage\":{\"prompt_tokens\":3}}\n\n" + "data: [DONE]\n\n";

    private const string Expected = "Mail taro@example.jp or call 090-1234-5678 \"mobile\". Keep [x] and [EMAIL_9]. Dangling [EMAIL_";

    private static (string Text, List<string> Data) Read(string sse)
    {
        var text = new StringBuilder();
        var data = sse.Split("\n\n", StringSplitOptions.RemoveEmptyEntries).Select(e => e["data: ".Length..]).ToList();
        foreach (var d in data.Where(d => d != "[DONE]"))
        {
            foreach (var choice in JsonNode.Parse(d)!["choices"]!.AsArray())
                text.Append(choice!["delta"]?["content"]?.GetValue<string>());
        }
        return (text.ToString(), data);
    }

    private static string Run(byte[] bytes, int split)
    {
        var output = new ArrayBufferWriter<byte>();
        var restorer = new SseRestorer(Values);
        restorer.Process(bytes.AsSpan(0, split), output);
        restorer.Process(bytes.AsSpan(split), output);
        restorer.Flush(output);
        return Encoding.UTF8.GetString(output.WrittenSpan);
    }

    [Fact]
    public void Placeholders_written_over_several_events_come_back_whole_for_a_split_at_every_byte()
    {
        var bytes = Encoding.UTF8.GetBytes(Stream);
        for (var split = 0; split <= bytes.Length; split++)
        {
            var (text, data) = Read(Run(bytes, split));
            Assert.Equal(Expected, text);
            Assert.Equal("[DONE]", data[^1]);
            Assert.Equal("stop", JsonNode.Parse(data[^3])!["choices"]![0]!["finish_reason"]!.GetValue<string>());
        }
    }

    [Fact]
    public void Events_without_placeholders_pass_through_byte_for_byte()
    {
        var plain = Chunk("Hello ") + Chunk("wörld [not one") + Chunk("] [x") + Chunk(null, "stop") + "data: [DONE]\n\n";
        var bytes = Encoding.UTF8.GetBytes(plain);
        for (var split = 0; split <= bytes.Length; split++)
            Assert.Equal(plain, Run(bytes, split));
    }

    [Fact]
    public void Held_text_still_goes_out_when_the_stream_ends_without_a_finish()
    {
        var cut = Chunk("see [EMAIL") + Chunk("_1");
        var (text, _) = Read(Run(Encoding.UTF8.GetBytes(cut), 5));
        Assert.Equal("see [EMAIL_1", text);
    }

    [Fact]
    public void Responses_api_deltas_are_restored_and_the_held_end_precedes_the_done_event()
    {
        static string Event(string type, string field, string value) =>
            $"event: {type}\ndata: " + new JsonObject { ["type"] = type, ["output_index"] = 0, ["content_index"] = 0, [field] = value }.ToJsonString() + "\n\n";
        var stream = Event("response.output_text.delta", "delta", "to [EMA") + Event("response.output_text.delta", "delta", "IL_1]")
            + Event("response.output_text.delta", "delta", " [EM") + Event("response.output_text.done", "text", "to [EMAIL_1] [EM");

        var output = Run(Encoding.UTF8.GetBytes(stream), 11);

        var deltas = output.Split("\n\n", StringSplitOptions.RemoveEmptyEntries).Select(e => JsonNode.Parse(e[(e.IndexOf("data: ", StringComparison.Ordinal) + 6)..])!).ToList();
        Assert.Equal("to taro@example.jp [EM", string.Concat(deltas.Where(d => d["type"]!.GetValue<string>() == "response.output_text.delta").Select(d => d["delta"]!.GetValue<string>())));
        Assert.Equal("to taro@example.jp [EM", deltas[^1]["text"]!.GetValue<string>());
        Assert.StartsWith("event: response.output_text.delta\n", output);
    }
}
