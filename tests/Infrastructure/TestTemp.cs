using System.Diagnostics;

namespace LlmGateway.Tests.Infrastructure;

/// <summary>
/// Temporary folders of one test run, all under <c>$TMP/llmgw-tests-{pid}</c>, removed when the run's process exits.
/// Gateways under test write gigabytes over a run (FASTER logs and checkpoints); left behind, a few runs fill the disk.
/// Roots of runs that died without cleaning up (killed, crashed) are removed by the next run.
/// </summary>
public static class TestTemp
{
    private const string Prefix = "llmgw-tests-";
    private static readonly Lazy<string> RunRoot = new(CreateRunRoot);

    /// <summary>A new folder name under this run's root (not created: a gateway creates its own storage).</summary>
    public static string NewPath(string name) => Path.Combine(RunRoot.Value, name + "-" + Guid.NewGuid().ToString("N"));

    private static string CreateRunRoot()
    {
        RemoveRootsOfEndedRuns();
        var root = Path.Combine(Path.GetTempPath(), Prefix + Environment.ProcessId);
        Directory.CreateDirectory(root);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => TryDelete(root);
        return root;
    }

    private static void RemoveRootsOfEndedRuns()
    {
        foreach (var root in Directory.EnumerateDirectories(Path.GetTempPath(), Prefix + "*"))
        {
            if (int.TryParse(Path.GetFileName(root)[Prefix.Length..], out var pid) && !IsRunning(pid))
                TryDelete(root);
        }
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static void TryDelete(string root)
    {
        try
        {
            Directory.Delete(root, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A child process still writing there, or a read-only leftover: the next run retries.
        }
    }
}
