using Microsoft.Extensions.Time.Testing;

namespace LlmGateway.Tests.Infrastructure;

/// <summary>
/// The fake upstream's view of the <see cref="FakeTimeProvider"/> a gateway runs on: each of the upstream's waits
/// (latency, chunk delays) moves that clock forward by its length and ends at once. The gateway then measures
/// exactly the injected delays, on any machine, and nothing else moves its clock.
/// </summary>
public sealed class FastForwardClock(FakeTimeProvider clock) : TimeProvider
{
    private long _waitedTicks;

    /// <summary>Everything the upstream has waited so far.</summary>
    public TimeSpan Waited => TimeSpan.FromTicks(Interlocked.Read(ref _waitedTicks));

    public override DateTimeOffset GetUtcNow() => clock.GetUtcNow();

    public override long GetTimestamp() => clock.GetTimestamp();

    public override long TimestampFrequency => clock.TimestampFrequency;

    public override TimeZoneInfo LocalTimeZone => clock.LocalTimeZone;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        // Only one-shot waits (Task.Delay) are fast-forwarded; anything else runs on the shared clock as it is.
        if (period != Timeout.InfiniteTimeSpan || dueTime == Timeout.InfiniteTimeSpan)
            return clock.CreateTimer(callback, state, dueTime, period);
        Interlocked.Add(ref _waitedTicks, dueTime.Ticks);
        clock.Advance(dueTime);
        // Fire on the pool, not inside the caller's CreateTimer (Task.Delay stores the timer after creating it).
        ThreadPool.QueueUserWorkItem(_ => callback(state));
        return new FiredTimer();
    }

    private sealed class FiredTimer : ITimer
    {
        public bool Change(TimeSpan dueTime, TimeSpan period) => false;

        public void Dispose()
        {
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
