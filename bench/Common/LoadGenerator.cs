using System.Diagnostics;

namespace LlmGateway.Bench.Common;

/// <summary>
/// Open-loop load: requests are scheduled at a fixed rate and each latency is measured from its scheduled
/// time, so a slow server cannot hide its queueing (no coordinated omission).
/// </summary>
internal static class LoadGenerator
{
    public static async Task<(Percentiles Latency, int Errors)> OpenLoopAsync(Func<Task<bool>> send, int ratePerSecond, TimeSpan duration)
    {
        var latency = new Percentiles();
        var errors = 0;
        var total = (int)(ratePerSecond * duration.TotalSeconds);
        var inFlight = new List<Task>(total);
        var start = Stopwatch.GetTimestamp();
        var next = 0;
        while (next < total)
        {
            var elapsed = Stopwatch.GetElapsedTime(start).TotalSeconds;
            var due = Math.Min(total, (int)(elapsed * ratePerSecond) + 1);
            for (; next < due; next++)
            {
                var scheduled = start + (long)(next / (double)ratePerSecond * Stopwatch.Frequency);
                inFlight.Add(Task.Run(async () =>
                {
                    var ok = await send();
                    latency.Add(Stopwatch.GetElapsedTime(scheduled).TotalMilliseconds);
                    if (!ok) Interlocked.Increment(ref errors);
                }));
            }
            await Task.Delay(1);
        }
        await Task.WhenAll(inFlight);
        return (latency, errors);
    }

    /// <summary>Closed loop: <paramref name="concurrency"/> callers back to back; returns completed requests per second.</summary>
    public static async Task<double> MaxThroughputAsync(Func<Task<bool>> send, int concurrency, TimeSpan duration)
    {
        var completed = 0;
        var stop = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            while (Stopwatch.GetTimestamp() < stop)
            {
                if (await send()) Interlocked.Increment(ref completed);
            }
        })));
        return completed / clock.Elapsed.TotalSeconds;
    }
}
