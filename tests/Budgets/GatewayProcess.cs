using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json.Nodes;
using LlmGateway.Tests.Infrastructure;

namespace LlmGateway.Tests.Budgets;

/// <summary>The gateway as a separate process (<c>dotnet LlmGateway.dll</c> from the test output folder), so it can be killed with SIGKILL.</summary>
internal sealed class GatewayProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output;

    private GatewayProcess(Process process, string url, ConcurrentQueue<string> output)
    {
        _process = process;
        Url = url;
        _output = output;
    }

    public string Url { get; }

    /// <summary>What the gateway wrote to stdout and stderr so far (its console log).</summary>
    public string Output => string.Join("\n", _output);

    public bool HasExited => _process.HasExited;

    /// <summary>SIGTERM: the graceful stop an orchestrator asks for.</summary>
    public void Terminate()
    {
        using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!;
        kill.WaitForExit();
    }

    /// <summary>True when the process exited before <paramref name="deadline"/>.</summary>
    public async Task<bool> WaitForExitAsync(TimeSpan deadline)
    {
        using var timeout = new CancellationTokenSource(deadline);
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>Writes flat settings (<c>Gateway:Accounting:X</c>) as the nested JSON file the process reads with <c>--config</c>.</summary>
    public static Task WriteConfigAsync(string path, IDictionary<string, string?> settings)
    {
        var root = new JsonObject();
        foreach (var (key, value) in settings)
        {
            var parts = key.Split(':');
            var node = root;
            foreach (var part in parts[..^1])
                node = (node[part] ??= new JsonObject()).AsObject();
            node[parts[^1]] = value;
        }
        return File.WriteAllTextAsync(path, root.ToJsonString());
    }

    public int Id => _process.Id;

    /// <param name="launcher">Runs the gateway through another command (its arguments come first, then <c>dotnet LlmGateway.dll ...</c>), e.g. in its own mount namespace.</param>
    public static async Task<GatewayProcess> StartAsync(string configPath, string workingDirectory, IReadOnlyList<string>? launcher = null)
    {
        var port = TcpPorts.Unused();
        var url = $"http://127.0.0.1:{port}";
        string[] command = [.. launcher ?? [], "dotnet", Path.Combine(AppContext.BaseDirectory, "LlmGateway.dll"), "--urls", url, "--config", configPath];
        var info = new ProcessStartInfo(command[0], command[1..])
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        var process = Process.Start(info)!;
        var output = new ConcurrentQueue<string>();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) output.Enqueue(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) output.Enqueue(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        for (var i = 0; i < 300; i++)
        {
            try
            {
                if ((await http.GetAsync(url + "/healthz")).IsSuccessStatusCode)
                    return new GatewayProcess(process, url, output);
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }
            if (process.HasExited)
                throw new InvalidOperationException($"the gateway exited with {process.ExitCode}");
            await Task.Delay(100);
        }
        process.Kill(true);
        throw new TimeoutException("the gateway did not become healthy");
    }

    /// <summary>SIGKILL: no shutdown code runs.</summary>
    public void Kill()
    {
        _process.Kill();
        _process.WaitForExit(10_000);
    }

    public ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
            Kill();
        _process.Dispose();
        return ValueTask.CompletedTask;
    }

}
