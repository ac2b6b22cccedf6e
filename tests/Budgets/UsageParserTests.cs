using System.Text;
using LlmGateway.Budgets.Usage;
using LlmGateway.Capture;

namespace LlmGateway.Tests.Budgets;

public sealed class UsageParserTests
{
    private static TokenUsage? Json(string body) => UsageParser.Parse(Encoding.UTF8.GetBytes(body), eventStream: false);
    private static TokenUsage? Sse(string body) => UsageParser.Parse(Encoding.UTF8.GetBytes(body), eventStream: true);

    [Fact]
    public void Chat_usage_with_cached_tokens()
    {
        var usage = Json("""{"id":"x","choices":[{"message":{"content":"hi, \"usage\": 5"}}],"usage":{"prompt_tokens":120,"completion_tokens":8,"total_tokens":128,"prompt_tokens_details":{"cached_tokens":64,"audio_tokens":0},"completion_tokens_details":{"reasoning_tokens":0}}}""");
        Assert.Equal(new TokenUsage(120, 64, 8, false), usage);
    }

    [Fact]
    public void Embeddings_usage_has_no_completion_tokens()
    {
        Assert.Equal(new TokenUsage(9, 0, 0, false), Json("""{"object":"list","data":[{"embedding":[0.1,0.2]}],"model":"m","usage":{"prompt_tokens":9,"total_tokens":9}}"""));
    }

    [Fact]
    public void Responses_api_usage_with_input_tokens_details()
    {
        var usage = Json("""{"id":"resp_1","object":"response","output":[],"usage":{"input_tokens":50,"input_tokens_details":{"cached_tokens":20},"output_tokens":7,"output_tokens_details":{"reasoning_tokens":2},"total_tokens":57}}""");
        Assert.Equal(new TokenUsage(50, 20, 7, false), usage);
    }

    [Fact]
    public void Streamed_chat_takes_the_final_usage_chunk()
    {
        var stream = "data: {\"choices\":[{\"delta\":{\"content\":\"a\"}}],\"usage\":null}\n\n" +
                     "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":11,\"completion_tokens\":3,\"total_tokens\":14}}\n\n" +
                     "data: [DONE]\n\n";
        Assert.Equal(new TokenUsage(11, 0, 3, false), Sse(stream));
    }

    [Fact]
    public void Streamed_responses_take_usage_from_the_completed_event()
    {
        var stream = "event: response.created\ndata: {\"type\":\"response.created\",\"response\":{\"status\":\"in_progress\",\"usage\":null}}\n\n" +
                     "event: response.completed\ndata: {\"type\":\"response.completed\",\"response\":{\"status\":\"completed\",\"usage\":{\"input_tokens\":4,\"output_tokens\":6,\"total_tokens\":10}}}\n\n";
        Assert.Equal(new TokenUsage(4, 0, 6, false), Sse(stream));
    }

    [Fact]
    public void No_usage_or_a_cut_body_gives_null()
    {
        Assert.Null(Json("""{"choices":[{"message":{"content":"x"}}]}"""));
        Assert.Null(Json("""{"choices":[{"message":{"content":"x"}}],"usage":{"prompt_tok"""));
        Assert.Null(Sse("data: {\"choices\":[{\"delta\":{\"content\":\"a\"}}]}\n\n"));
    }

    [Fact]
    public void Estimate_counts_forwarded_text_at_four_characters_per_token()
    {
        var stream = "data: {\"choices\":[{\"delta\":{\"content\":\"abcdefgh\"}}]}\n\ndata: {\"choices\":[{\"delta\":{\"content\":\"ijk\"}}]}\n\n";
        Assert.Equal(3, TokenEstimator.Completion(Encoding.UTF8.GetBytes(stream), eventStream: true)); // 11 chars → 3
        Assert.Equal(2, TokenEstimator.Completion(Encoding.UTF8.GetBytes("{\"choices\":[{\"message\":{\"content\":\"12345\"}}],\"us"), eventStream: false));
    }
}
