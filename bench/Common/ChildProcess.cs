using System.Diagnostics;

namespace LlmGateway.Bench.Common;

/// <summary>A gateway or fake upstream run as its own process, so load generator and server don't share a runtime.</summary>
internal sealed class ChildProcess : IAsyncDisposable
{
    private readonly Process _process;

    private ChildProcess(Process process) => _process = process;

    /// <summary>The process id, for reading its figures from <c>/proc/&lt;pid&gt;</c> (<see cref="ProcStatus"/>).</summary>
    public int Id => _process.Id;

    /// <summary>
    /// Starts <paramref name="exe"/> (by default the <c>LlmGateway</c> built next to the bench, else another build of
    /// it, e.g. an older commit's) in its own folder and waits until <paramref name="healthUrl"/> answers.
    /// </summary>
    public static async Task<ChildProcess> StartAsync(string arguments, string healthUrl, IDictionary<string, string>? environment = null, string? exe = null)
    {
        exe = Path.GetFullPath(exe ?? Path.Combine(AppContext.BaseDirectory, "LlmGateway"));
        var info = new ProcessStartInfo(exe, arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(exe)!,
        };
        foreach (var (k, v) in environment ?? new Dictionary<string, string>())
            info.Environment[k] = v;
        var process = Process.Start(info)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) Console.Error.WriteLine("  [child] " + e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var http = new HttpClient();
        for (var i = 0; i < 600; i++) // up to a minute: a cache-on gateway took 16 s to get ready at load average 23
        {
            try
            {
                if ((await http.GetAsync(healthUrl)).IsSuccessStatusCode)
                    return new ChildProcess(process);
            }
            catch (HttpRequestException) { }
            if (process.HasExited)
                throw new InvalidOperationException($"'{exe} {arguments}' exited with {process.ExitCode}");
            await Task.Delay(100);
        }
        process.Kill(true);
        throw new TimeoutException($"'{exe} {arguments}' did not become healthy at {healthUrl}");
    }

    public ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(true);
            _process.WaitForExit(5000);
        }
        _process.Dispose();
        return ValueTask.CompletedTask;
    }
}
