using System.Buffers;

namespace LlmGateway.Gateway;

/// <summary>
/// Reads a request body into memory that grows with the bytes actually received (never with the declared
/// <c>Content-Length</c> alone), within the per-request limit and the gateway-wide <see cref="RequestBodyGate"/>.
/// </summary>
internal sealed class RequestBodyReader(RequestBodyGate gate, long maxBodyBytes, long maxBufferedBytes)
{
    /// <summary>Bodies up to this size with a declared length are read into an exact array at once (taken from the gate up front).</summary>
    private const int SmallBody = 64 * 1024;

    public enum Outcome { Read, TooLarge, Busy }

    /// <summary>Bytes taken from the gate; give them back with <see cref="RequestBodyGate.Release"/> when the request ends.</summary>
    public long Taken { get; private set; }

    public byte[]? Body { get; private set; }

    public async Task<Outcome> ReadAsync(HttpRequest request, CancellationToken cancellation)
    {
        if (request.ContentLength > maxBodyBytes)
            return Outcome.TooLarge;
        if (request.ContentLength is { } declared and <= SmallBody)
        {
            if (!Take(declared))
                return Outcome.Busy;
            var exact = new byte[declared];
            await request.Body.ReadExactlyAsync(exact, cancellation);
            Body = exact;
            return Outcome.Read;
        }

        var buffer = ArrayPool<byte>.Shared.Rent(SmallBody);
        var length = 0;
        try
        {
            while (true)
            {
                if (length == buffer.Length)
                {
                    var bigger = ArrayPool<byte>.Shared.Rent((int)Math.Min((long)buffer.Length * 2, Array.MaxLength));
                    buffer.AsSpan(0, length).CopyTo(bigger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = bigger;
                }
                var read = await request.Body.ReadAsync(buffer.AsMemory(length), cancellation);
                if (read == 0)
                    break;
                if (length + (long)read > maxBodyBytes)
                    return Outcome.TooLarge;
                if (!Take(read))
                    return Outcome.Busy;
                length += read;
            }
            Body = buffer.AsSpan(0, length).ToArray();
            return Outcome.Read;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private bool Take(long bytes)
    {
        if (!gate.TryTake(bytes, maxBufferedBytes))
            return false;
        Taken += bytes;
        return true;
    }
}
