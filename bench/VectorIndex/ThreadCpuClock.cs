using System.Runtime.InteropServices;

namespace LlmGateway.Bench.VectorIndex;

/// <summary>
/// CPU time of the calling thread (Linux CLOCK_THREAD_CPUTIME_ID). On a shared, overloaded
/// machine wall-clock percentiles include time the thread spent preempted; CPU time per query
/// does not, so the bench reports both.
/// </summary>
internal static partial class ThreadCpuClock
{
    private const int ClockThreadCpuTimeId = 3;

    public static bool IsSupported { get; } = OperatingSystem.IsLinux() && Probe();

    /// <summary>Nanoseconds of CPU time used by this thread (0 when unsupported).</summary>
    public static long NowNanoseconds()
    {
        if (!IsSupported)
        {
            return 0;
        }

        clock_gettime(ClockThreadCpuTimeId, out var spec);
        return (spec.Seconds * 1_000_000_000L) + spec.Nanoseconds;
    }

    private static bool Probe()
    {
        try
        {
            return clock_gettime(ClockThreadCpuTimeId, out _) == 0;
        }
        catch (DllNotFoundException)
        {
            return false;
        }
        catch (EntryPointNotFoundException)
        {
            return false;
        }
    }

    [LibraryImport("libc", SetLastError = false)]
    private static partial int clock_gettime(int clockId, out TimeSpec spec);

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }
}
