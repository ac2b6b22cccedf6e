using System.Diagnostics;
using LlmGateway.Tests.Infrastructure;

namespace LlmGateway.Tests.Budgets;

/// <summary>The gateway as a separate process (<c>dotnet LlmGateway.dll</c> from the test output folder), so it can be killed with SIGKILL.</summary>
internal sealed class GatewayProcess : IAsyncDisposable
{
    private readonly Process _process;

    private GatewayProcess(Process process, string url)
    {
        _process = process;
        Url = url;
    }

    public string Url { get; }

    public static async Task<GatewayProcess> StartAsync(string configPath, string workingDirectory)
    {
        var port = TcpPorts.Unused();
        var url = $"http://127.0.0.1:{port}";
        var info = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "LlmGateway.dll"), "--urls", url, "--config", configPath])
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        var process = Process.Start(info)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        for (var i = 0; i < 300; i++)
        {
            try
            {
                if ((await http.GetAsync(url + "/healthz")).IsSuccessStatusCode)
                    return new GatewayProcess(process, url);
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
