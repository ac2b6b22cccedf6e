namespace LlmGateway.Tests.Infrastructure;

/// <summary>
/// Waits for something the gateway does after the client already has its answer (settlement, request metrics).
/// Real time only bounds how long a broken test hangs: the deadline is generous and nothing asserts on durations.
/// </summary>
public static class Eventually
{
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    /// <summary>Returns the first value that satisfies <paramref name="done"/>, or the last one read at the deadline (the caller's asserts then say what was wrong).</summary>
    public static async Task<T> ReadAsync<T>(Func<Task<T>> read, Func<T, bool> done)
    {
        var deadline = DateTime.UtcNow + Deadline;
        var value = await read();
        while (!done(value) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
            value = await read();
        }
        return value;
    }

    public static Task<T> ReadAsync<T>(Func<T> read, Func<T, bool> done) => ReadAsync(() => Task.FromResult(read()), done);
}
