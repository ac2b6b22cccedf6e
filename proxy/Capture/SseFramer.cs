using System.Buffers;

namespace LlmGateway.Capture;

/// <summary>
/// Splits a byte stream into whole SSE events (terminated by a blank line), so an event can be held back
/// without ever sending half of it. Bytes of an unfinished event wait for the rest.
/// </summary>
internal sealed class SseFramer
{
    private readonly ArrayBufferWriter<byte> _pending = new(1024);

    /// <summary>Feeds <paramref name="bytes"/>; calls <paramref name="onEvent"/> with each completed event (terminator included).</summary>
    public void Feed(ReadOnlySpan<byte> bytes, Action<ReadOnlyMemory<byte>> onEvent)
    {
        _pending.Write(bytes);
        var data = _pending.WrittenMemory;
        var consumed = 0;
        while (true)
        {
            var end = EventEnd(data.Span[consumed..]);
            if (end < 0)
                break;
            onEvent(data.Slice(consumed, end));
            consumed += end;
        }
        if (consumed == 0)
            return;
        var rest = data[consumed..].ToArray();
        _pending.ResetWrittenCount();
        _pending.Write(rest);
    }

    /// <summary>Whatever is left (an event the provider never finished).</summary>
    public ReadOnlyMemory<byte> Remainder => _pending.WrittenMemory;

    /// <summary>Hands over the remainder (a copy) and forgets it.</summary>
    public ReadOnlyMemory<byte> TakeRemainder()
    {
        var rest = _pending.WrittenMemory.ToArray();
        _pending.ResetWrittenCount();
        return rest;
    }

    private static int EventEnd(ReadOnlySpan<byte> data)
    {
        for (var i = 0; i + 1 < data.Length; i++)
        {
            if (data[i] != '\n') continue;
            if (data[i + 1] == '\n') return i + 2;
            if (data[i + 1] == '\r' && i + 2 < data.Length && data[i + 2] == '\n') return i + 3;
        }
        return -1;
    }
}
