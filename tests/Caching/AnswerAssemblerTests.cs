using System.Text;
using System.Text.Json.Nodes;
using LlmGateway.Caching;
using LlmGateway.Caching.Policies;
using LlmGateway.Capture;
using LlmGateway.Gateway;

namespace LlmGateway.Tests.Caching;

public sealed class AnswerAssemblerTests
{
    private static CapturedResponse Captured(string body, string contentType, bool completed = true, int status = 200)
    {
        var capture = new CapturedResponse(1 << 20, 0) { StatusCode = status, ContentType = contentType, Completed = completed };
        capture.Append(Encoding.UTF8.GetBytes(body));
        return capture;
    }

    private const string Stream = """
        data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}]}

        data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":"Hel"},"finish_reason":null}]}

        data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":"f","arguments":"{\"a\""}}]},"finish_reason":null}]}

        data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":"lo","tool_calls":[{"index":0,"function":{"arguments":":1}"}}]},"finish_reason":"tool_calls"}]}

        data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"m","choices":[],"usage":{"prompt_tokens":3,"completion_tokens":2,"total_tokens":5}}

        data: [DONE]


        """;

    [Fact]
    public void A_stream_is_assembled_into_the_json_a_non_streaming_call_returns()
    {
        var answer = AnswerAssembler.TryAssemble(OpenAiEndpoint.ChatCompletions, Captured(Stream.Replace("\r\n", "\n"), "text/event-stream"), out _)!;

        var message = answer["choices"]![0]!["message"]!;
        Assert.Equal("chat.completion", answer["object"]!.GetValue<string>());
        Assert.Equal("Hello", message["content"]!.GetValue<string>());
        Assert.Equal("{\"a\":1}", message["tool_calls"]![0]!["function"]!["arguments"]!.GetValue<string>());
        Assert.Equal("tool_calls", answer["choices"]![0]!["finish_reason"]!.GetValue<string>());
        Assert.Equal(5, answer["usage"]!["total_tokens"]!.GetValue<int>());
    }

    [Fact]
    public void Replaying_the_assembled_answer_as_chunks_and_assembling_again_gives_the_same_answer()
    {
        var answer = AnswerAssembler.TryAssemble(OpenAiEndpoint.ChatCompletions, Captured(Stream.Replace("\r\n", "\n"), "text/event-stream"), out _)!;
        var replay = new StringBuilder();
        foreach (var chunk in AnswerReplayer.Chunks(answer, OpenAiEndpoint.ChatCompletions, includeUsage: true))
            replay.Append("data: ").Append(chunk.ToJsonString()).Append("\n\n");
        replay.Append("data: [DONE]\n\n");

        var again = AnswerAssembler.TryAssemble(OpenAiEndpoint.ChatCompletions, Captured(replay.ToString(), "text/event-stream"), out _)!;

        Assert.Equal(answer.ToJsonString(), again.ToJsonString());
    }

    [Theory]
    [InlineData("no_done")]
    [InlineData("incomplete")]
    [InlineData("status")]
    [InlineData("multiple_choices")]
    public void Answers_that_must_not_be_stored_are_refused_with_a_reason(string kind)
    {
        var capture = kind switch
        {
            "no_done" => Captured(Stream.Replace("\r\n", "\n").Replace("data: [DONE]", ""), "text/event-stream"),
            "incomplete" => Captured("{\"choices\":[]}", "application/json", completed: false),
            "status" => Captured("{\"error\":{}}", "application/json", status: 500),
            _ => Captured("{\"choices\":[{\"index\":0,\"finish_reason\":\"stop\"},{\"index\":1,\"finish_reason\":\"stop\"}]}", "application/json"),
        };

        var answer = CacheStorePolicies.Decide(new CacheStoreContext(OpenAiEndpoint.ChatCompletions, null, capture, new CacheOptions()), out var reason);

        Assert.Null(answer);
        Assert.Equal(kind == "no_done" ? "incomplete" : kind, reason);
        Assert.NotNull(CacheStorePolicies.Decide(new CacheStoreContext(OpenAiEndpoint.ChatCompletions, null,
            Captured("{\"choices\":[{\"index\":0,\"finish_reason\":\"stop\"},{\"index\":1,\"finish_reason\":\"stop\"}]}", "application/json"),
            new CacheOptions { StoreMultipleChoices = true }), out _));
    }
}

public sealed class AnswerReplayerTests
{
    [Fact]
    public void A_replayed_answer_keeps_everything_but_a_fresh_id_and_time()
    {
        var stored = """{"id":"chatcmpl-abc","object":"chat.completion","created":1,"model":"m","choices":[{"index":0,"message":{"role":"assistant","content":"こんにちは 👋 \"q\""},"finish_reason":"stop"}],"usage":{"prompt_tokens":3,"completion_tokens":2,"total_tokens":5},"temperature":0.70}"""u8.ToArray();

        var replayed = System.Text.Json.Nodes.JsonNode.Parse(AnswerReplayer.WithFreshIdentity(stored, 1234))!.AsObject();
        var original = System.Text.Json.Nodes.JsonNode.Parse(stored)!.AsObject();

        Assert.NotEqual("chatcmpl-abc", replayed["id"]!.GetValue<string>());
        Assert.StartsWith("chatcmpl-", replayed["id"]!.GetValue<string>());
        Assert.Equal(1234, replayed["created"]!.GetValue<long>());
        replayed.Remove("id"); replayed.Remove("created"); original.Remove("id"); original.Remove("created");
        Assert.Equal(original.ToJsonString(), replayed.ToJsonString());
        // Japanese stays UTF-8 (the relaxed encoder still escapes emoji as surrogate pairs: equal JSON, other bytes).
        Assert.Contains("こんにちは", System.Text.Encoding.UTF8.GetString(AnswerReplayer.WithFreshIdentity(stored, 1234)));
    }
}
