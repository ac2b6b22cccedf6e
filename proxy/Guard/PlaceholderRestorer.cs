using System.Buffers;
using System.Text;

namespace LlmGateway.Guard;

/// <summary>
/// Puts redacted values back into a response as it streams: a byte-level scanner for <c>[NAME_1]</c> that holds
/// back a possible placeholder cut by a chunk boundary (at most <see cref="MaxPlaceholder"/> bytes) until it can
/// tell. Values are written JSON-escaped, since every answer it sees is JSON or SSE of JSON.
/// </summary>
internal sealed class PlaceholderRestorer(Dictionary<string, byte[]> replacements) : IResponseRestorer
{
    public const int MaxPlaceholder = 40;

    private readonly byte[] _pending = new byte[MaxPlaceholder];
    private int _pendingLength;

    public void Process(ReadOnlySpan<byte> input, IBufferWriter<byte> output)
    {
        while (!input.IsEmpty)
        {
            if (_pendingLength == 0)
            {
                var open = input.IndexOf((byte)'[');
                if (open < 0)
                {
                    output.Write(input);
                    return;
                }
                output.Write(input[..open]);
                _pending[_pendingLength++] = (byte)'[';
                input = input[(open + 1)..];
                continue;
            }
            var b = input[0];
            if (b == ']')
            {
                input = input[1..];
                _pending[_pendingLength++] = b;
                var name = Encoding.ASCII.GetString(_pending, 0, _pendingLength);
                output.Write(replacements.TryGetValue(name, out var value) ? value : _pending.AsSpan(0, _pendingLength));
                _pendingLength = 0;
            }
            else if (b is (>= (byte)'A' and <= (byte)'Z') or (>= (byte)'0' and <= (byte)'9') or (byte)'_' && _pendingLength < MaxPlaceholder - 1)
            {
                input = input[1..];
                _pending[_pendingLength++] = b;
            }
            else
            {
                // Not a placeholder: let the held bytes go and look at this byte afresh (it may open one).
                Flush(output);
            }
        }
    }

    /// <summary>At the end of the response: whatever is held was not a placeholder.</summary>
    public void Flush(IBufferWriter<byte> output)
    {
        output.Write(_pending.AsSpan(0, _pendingLength));
        _pendingLength = 0;
    }
}
