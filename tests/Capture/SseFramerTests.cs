using System.Text;
using LlmGateway.Capture;

namespace LlmGateway.Tests.Capture;

public sealed class SseFramerTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(1000)]
    public void Events_come_out_whole_however_the_bytes_are_split(int pieceSize)
    {
        const string stream = "data: {\"a\":1}\n\nevent: x\ndata: {\"b\":2}\r\n\r\ndata: [DONE]\n\ndata: partial";
        var framer = new SseFramer();
        var events = new List<string>();
        var bytes = Encoding.UTF8.GetBytes(stream);
        for (var i = 0; i < bytes.Length; i += pieceSize)
            framer.Feed(bytes.AsSpan(i, Math.Min(pieceSize, bytes.Length - i)), e => events.Add(Encoding.UTF8.GetString(e.Span)));

        Assert.Equal(["data: {\"a\":1}\n\n", "event: x\ndata: {\"b\":2}\r\n\r\n", "data: [DONE]\n\n"], events);
        Assert.Equal("data: partial", Encoding.UTF8.GetString(framer.Remainder.Span));
    }
}
