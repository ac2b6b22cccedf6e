namespace LlmGateway.Budgets.Usage;

/// <summary>The <c>data:</c> payloads of an SSE byte stream (single-line data, as OpenAI-compatible providers send).</summary>
internal static class SseData
{
    public static List<ReadOnlyMemory<byte>> Payloads(ReadOnlyMemory<byte> body)
    {
        var result = new List<ReadOnlyMemory<byte>>();
        var span = body.Span;
        var offset = 0;
        while (offset < span.Length)
        {
            var end = span[offset..].IndexOf((byte)'\n');
            var length = end < 0 ? span.Length - offset : end;
            var line = span.Slice(offset, length);
            if (line.Length > 0 && line[^1] == '\r')
                line = line[..^1];
            if (line.StartsWith("data:"u8))
            {
                var skip = line.Length > 5 && line[5] == ' ' ? 6 : 5;
                if (!line[skip..].SequenceEqual("[DONE]"u8))
                    result.Add(body.Slice(offset + skip, line.Length - skip));
            }
            offset += length + 1;
        }
        return result;
    }
}
