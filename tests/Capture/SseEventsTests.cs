using System.Text;
using LlmGateway.Budgets.Usage;
using LlmGateway.Capture;

namespace LlmGateway.Tests.Capture;

public sealed class SseEventsTests
{
    private static List<string> Data(string body) =>
        SseEvents.Read(Encoding.UTF8.GetBytes(body), static (_, data) => Encoding.UTF8.GetString(data)).Select(e => e.Data).ToList();

    [Fact]
    public void Events_are_read_as_the_sse_format_defines_them()
    {
        var body = ": keep-alive\n\nevent: response.completed\nid: 7\ndata: {\"a\":\ndata: 1}\r\n\r\ndata:{\"b\":2}\r\rdata: [DONE]\n\n";

        // Comments and fields other than data are not data; multi-line data is joined with \n; LF, CRLF and CR end lines.
        Assert.Equal(["{\"a\":\n1}", "{\"b\":2}", "[DONE]"], Data(body));
    }

    [Theory]
    [InlineData("data: {\"x\":1}\n\ndata: {\"cut\":")]
    [InlineData("data: {\"x\":1}\n\ndata: {\"cut\":\n")]
    public void The_unfinished_last_event_of_a_stream_cut_short_is_read_too(string body)
    {
        Assert.Equal(["{\"x\":1}", "{\"cut\":"], Data(body));
    }

    [Fact]
    public void Usage_split_over_data_lines_is_read()
    {
        var stream = "data: {\"choices\":[],\n" +
                     "data: \"usage\":{\"prompt_tokens\":11,\"completion_tokens\":3,\"total_tokens\":14}}\n\n" +
                     "data: [DONE]\n\n";

        Assert.Equal(new TokenUsage(11, 0, 3, false), UsageParser.Parse(Encoding.UTF8.GetBytes(stream), eventStream: true));
    }
}
