using System.Buffers;
using System.Text;
using LlmGateway.Guard;

namespace LlmGateway.Tests.Guard;

public sealed class PlaceholderRestorerTests
{
    private static readonly Dictionary<string, string> Values = new()
    {
        ["[EMAIL_1]"] = "taro@example.jp",
        ["[PRIVATE_KEY_1]"] = "-----BEGIN PRIVATE KEY-----\nMIIE\"x\"\n-----END PRIVATE KEY-----",
        ["[ADDRESS_1]"] = "〒100-0001 東京都千代田区",
    };

    private static PlaceholderRestorer NewRestorer()
    {
        var map = new PlaceholderMap();
        foreach (var (placeholder, value) in Values)
            map.PlaceholderFor(value, Enum.Parse<GuardCategory>(placeholder.Trim('[', ']')[..^2].Replace("_", ""), ignoreCase: true));
        return new PlaceholderRestorer(map.JsonReplacements());
    }

    private const string Answer = """
        data: {"choices":[{"delta":{"content":"Mail [EMAIL_1] at [ADDRESS_1]; key [PRIVATE_KEY_1]; keep [EMAIL_9], [x] and [[EMAIL_1]] and [EMAIL_1"}}]}

        data: [DONE]

        """;

    private const string Expected = """
        data: {"choices":[{"delta":{"content":"Mail taro@example.jp at 〒100-0001 東京都千代田区; key -----BEGIN PRIVATE KEY-----\nMIIE\"x\"\n-----END PRIVATE KEY-----; keep [EMAIL_9], [x] and [taro@example.jp] and [EMAIL_1"}}]}

        data: [DONE]

        """;

    [Fact]
    public void Values_come_back_json_escaped_and_unknown_brackets_pass_through()
    {
        var output = new ArrayBufferWriter<byte>();
        var restorer = NewRestorer();
        restorer.Process(Encoding.UTF8.GetBytes(Answer), output);
        restorer.Flush(output);
        Assert.Equal(Expected, Encoding.UTF8.GetString(output.WrittenSpan));
    }

    [Fact]
    public void A_stream_split_at_every_byte_restores_the_same()
    {
        var bytes = Encoding.UTF8.GetBytes(Answer);
        for (var split = 0; split <= bytes.Length; split++)
        {
            var output = new ArrayBufferWriter<byte>();
            var restorer = NewRestorer();
            restorer.Process(bytes.AsSpan(0, split), output);
            restorer.Process(bytes.AsSpan(split), output);
            restorer.Flush(output);
            Assert.Equal(Expected, Encoding.UTF8.GetString(output.WrittenSpan));
        }
    }

    [Fact]
    public void A_stream_written_one_byte_at_a_time_restores_the_same()
    {
        var output = new ArrayBufferWriter<byte>();
        var restorer = NewRestorer();
        foreach (var b in Encoding.UTF8.GetBytes(Answer))
            restorer.Process([b], output);
        restorer.Flush(output);
        Assert.Equal(Expected, Encoding.UTF8.GetString(output.WrittenSpan));
    }
}
