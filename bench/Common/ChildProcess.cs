using System.Diagnostics;

namespace LlmGateway.Bench.Common;

/// <summary>A gateway or fake upstream run as its own process, so load generator and server don't share a runtime.</summary>
internal sealed class ChildProcess : IAsyncDisposable
{
    private readonly Process _process;

    private readonly string _arguments;

    private ChildProcess(Process process, string arguments)
    {
        _process = process;
        _arguments = arguments;
    }

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
                    return new ChildProcess(process, arguments);
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
        DeleteTempStorage();
        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// Deletes a <c>--config</c> file the bench wrote to the temp folder and the storage folder it names there: a miss-heavy
    /// run leaves 0.3–0.6 GB of cache on the shared machine's disk otherwise.
    /// </summary>
    private void DeleteTempStorage()
    {
        var temp = Path.GetTempPath();
        var words = _arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var at = Array.IndexOf(words, "--config");
        // Only the one-use configs of compare/openloop/soak and overload (a GUID in the name): other benches start several
        // children from one config file.
        if (at < 0 || at + 1 >= words.Length || !words[at + 1].StartsWith(temp, StringComparison.Ordinal) || !File.Exists(words[at + 1])
            || !System.Text.RegularExpressions.Regex.IsMatch(Path.GetFileName(words[at + 1]), "^llmgateway-(compare|overload)-[0-9a-f]{32}\\.json$"))
            return;
        try
        {
            using (var config = System.Text.Json.JsonDocument.Parse(File.ReadAllText(words[at + 1])))
            {
                if (config.RootElement.TryGetProperty("Gateway", out var gateway) && gateway.TryGetProperty("Storage", out var storage)
                    && storage.TryGetProperty("Path", out var path) && path.GetString() is { } folder
                    && folder.StartsWith(temp, StringComparison.Ordinal) && Path.GetFileName(folder).StartsWith("llmgateway-", StringComparison.Ordinal) && Directory.Exists(folder))
                    Directory.Delete(folder, recursive: true);
            }
            File.Delete(words[at + 1]);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or System.Text.Json.JsonException)
        {
            Console.Error.WriteLine($"  (could not delete the child's temp storage: {ex.Message})");
        }
    }
}
