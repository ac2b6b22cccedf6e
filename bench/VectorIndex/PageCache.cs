using System.Runtime.InteropServices;

namespace LlmGateway.Bench.VectorIndex;

/// <summary>Drops a file's pages from the OS page cache (Linux posix_fadvise), so the next read comes from the disk.</summary>
internal static partial class PageCache
{
    private const int DontNeed = 4; // POSIX_FADV_DONTNEED on Linux

    /// <summary>Returns what was done, for the report: the advice is only honoured for clean pages.</summary>
    public static string Evict(string path)
    {
        if (!OperatingSystem.IsLinux())
        {
            return "not evicted: not Linux";
        }

        using var file = File.OpenHandle(path, FileMode.Open, FileAccess.Read);
        var result = PosixFadvise((int)file.DangerousGetHandle(), 0, 0, DontNeed);
        return result == 0 ? "posix_fadvise DONTNEED" : $"not evicted: posix_fadvise returned {result}";
    }

    /// <summary>Bytes this process has caused to be fetched from storage (/proc/self/io read_bytes), or -1.</summary>
    public static long BytesReadFromStorage()
    {
        const string Key = "read_bytes:";
        if (!File.Exists("/proc/self/io"))
        {
            return -1;
        }

        var line = File.ReadLines("/proc/self/io").FirstOrDefault(l => l.StartsWith(Key, StringComparison.Ordinal));
        return line is null ? -1 : long.Parse(line.AsSpan(Key.Length).Trim(), System.Globalization.CultureInfo.InvariantCulture);
    }

    [LibraryImport("libc", EntryPoint = "posix_fadvise")]
    private static partial int PosixFadvise(int fd, long offset, long length, int advice);
}
