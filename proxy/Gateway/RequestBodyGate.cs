namespace LlmGateway.Gateway;

/// <summary>
/// Bytes of request bodies that requests in flight hold in memory, bounded by <c>Gateway:Limits:MaxBufferedBodyBytes</c>
/// so that many or slow uploads cannot exhaust memory: bytes are taken as they arrive and given back when the request ends.
/// </summary>
internal sealed class RequestBodyGate
{
    private long _held;

    public long HeldBytes => Volatile.Read(ref _held);

    public bool TryTake(long bytes, long limit)
    {
        if (Interlocked.Add(ref _held, bytes) <= limit)
            return true;
        Interlocked.Add(ref _held, -bytes);
        return false;
    }

    public void Release(long bytes)
    {
        if (bytes > 0)
            Interlocked.Add(ref _held, -bytes);
    }
}
