using System.Runtime.InteropServices;

namespace LlmGateway.Bench.Common;

/// <summary>
/// Figures of another process read from Linux <c>/proc/&lt;pid&gt;</c>: resident memory (<c>status</c>) and CPU time
/// (<c>stat</c>: utime + stime). CPU time does not grow when the shared machine's other processes take the cores away,
/// so per-request CPU is the steadier figure here.
/// </summary>
internal static partial class ProcStatus
{
    private const int ScClkTck = 2;

    [LibraryImport("libc", EntryPoint = "sysconf")]
    private static partial long SysConf(int name);

    /// <summary>Resident set size in bytes (<c>VmRSS</c>).</summary>
    public static long ResidentBytes(int pid) => StatusKilobytes(pid, "VmRSS:") * 1024;

    /// <summary>Highest resident set size of the process's life in bytes (<c>VmHWM</c>).</summary>
    public static long PeakResidentBytes(int pid) => StatusKilobytes(pid, "VmHWM:") * 1024;

    /// <summary>
    /// Private writable memory mapped in bytes (<c>VmData</c>): for a .NET process, roughly what the GC has committed
    /// (reserved address space is mapped without access and not counted), whether or not its pages were touched yet.
    /// </summary>
    public static long DataBytes(int pid) => StatusKilobytes(pid, "VmData:") * 1024;

    /// <summary>User plus system CPU time the process has used.</summary>
    public static TimeSpan CpuTime(int pid)
    {
        // The command name in parentheses may hold spaces: count fields after its closing parenthesis (state is field 3).
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var ticks = long.Parse(fields[14 - 3]) + long.Parse(fields[15 - 3]);
        return TimeSpan.FromSeconds(ticks / (double)SysConf(ScClkTck));
    }

    private static long StatusKilobytes(int pid, string field)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith(field, StringComparison.Ordinal))
                return long.Parse(line[field.Length..].Trim().Split(' ')[0]);
        }
        throw new InvalidOperationException($"/proc/{pid}/status has no {field}");
    }
}
