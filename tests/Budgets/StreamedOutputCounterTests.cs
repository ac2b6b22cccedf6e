using System.Text;
using LlmGateway.Budgets;
using LlmGateway.Budgets.Usage;

namespace LlmGateway.Tests.Budgets;

public sealed class StreamedOutputCounterTests
{
    [Theory]
    [InlineData("""{"choices":[{"index":0,"delta":{"content":"Hello"},"finish_reason":null}]}""", 1, 5)]
    [InlineData("""{"choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}]}""", 0, 0)]
    [InlineData("""{"choices":[{"index":0,"delta":{},"finish_reason":"length"}],"usage":null}""", 0, 0)]
    [InlineData("""{"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\"a\":"}}]}}]}""", 1, 5)]
    [InlineData("""{"choices":[{"index":0,"delta":{"reasoning_content":"hmm"}}]}""", 1, 3)]
    [InlineData("""{"choices":[{"text":" world","index":0,"logprobs":null,"finish_reason":null}]}""", 1, 6)]
    [InlineData("""{"choices":[{"index":0,"delta":{"content":"\u3042\u3044"}}]}""", 1, 6)] // two 3-byte characters, not 12 escaped bytes
    [InlineData("""{"type":"response.output_text.delta","sequence_number":3,"delta":" word"}""", 1, 5)]
    [InlineData("""{"type":"response.output_text.done","sequence_number":9,"text":"the whole answer again"}""", 0, 0)]
    [InlineData("""{"type":"response.completed","response":{"output":[{"content":[{"text":"the whole answer again"}]}]}}""", 0, 0)]
    [InlineData("""{"id":"x","model":"m","choices":[],"usage":{"prompt_tokens":3,"completion_tokens":9}}""", 0, 0)]
    [InlineData("[DONE]", 0, 0)]
    [InlineData("""{"choices":[{"index":0,"delta":{"content":"cut sho""", 0, 0)] // an unfinished string is not text yet
    public void An_event_carries_the_text_it_generated_and_nothing_it_repeats(string data, long pieces, long bytes)
    {
        var text = StreamedOutputCounter.Measure(Encoding.UTF8.GetBytes($"data: {data}\n\n"));

        Assert.Equal(new StreamedText(pieces, bytes), text);
    }

    [Fact]
    public void Tokens_are_one_per_piece_or_one_per_four_bytes_whichever_is_larger()
    {
        var counter = new StreamedOutputCounter();
        counter.Add(new StreamedText(3, 3));     // three one-byte pieces: 3 tokens, not 1
        Assert.Equal(3, counter.Tokens);
        Assert.Equal(5, counter.TokensWith(new StreamedText(1, 17))); // one batched 17-byte piece: 20 bytes → 5 tokens
        Assert.Equal(3, counter.Tokens);                              // TokensWith does not add
    }

    [Fact]
    public void The_limit_is_the_reserved_cap_plus_the_percent_rounded_up_plus_the_tokens()
    {
        Assert.Equal(20 + 10 + 16, StreamOverrunGuard.Limit(20, new AccountingOptions()));
        Assert.Equal(7 + 1 + 0, StreamOverrunGuard.Limit(7, new AccountingOptions { StreamOverrunPercent = 10, StreamOverrunTokens = 0 }));
        Assert.Equal(100, StreamOverrunGuard.Limit(100, new AccountingOptions { StreamOverrunPercent = 0, StreamOverrunTokens = 0 }));
    }
}
