using System.Diagnostics;

namespace LlmGateway.Bench.Compare;

/// <summary>
/// The Portkey gateway (<c>@portkey-ai/gateway</c> 1.15.2, installed by <c>scripts/setup-bench.sh</c> into
/// <c>bench/peers/portkey</c> with <c>@hono/node-server</c> pinned to 1.13.8: its stock install fails on streaming).
/// </summary>
internal sealed class PortkeyPeer : IAsyncDisposable
{
    private readonly Process _process;

    private PortkeyPeer(Process process, int port)
    {
        _process = process;
        Port = port;
    }

    public int Port { get; }

    public int ProcessId => _process.Id;

    /// <summary>The server script, looked up from the bench's folder upwards (the repository's bench/peers/portkey).</summary>
    public static string? Script()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var script = Path.Combine(dir.FullName, "bench", "peers", "portkey", "node_modules", "@portkey-ai", "gateway", "build", "start-server.js");
            if (File.Exists(script))
                return script;
        }
        return null;
    }

    public static async Task<PortkeyPeer> StartAsync(string script, int port)
    {
        var info = new ProcessStartInfo("node", $"{script} --port={port} --headless") { RedirectStandardError = true, RedirectStandardOutput = true };
        info.Environment["NODE_ENV"] = "production";
        var process = Process.Start(info)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await Peers.WaitHealthyAsync(process, $"http://127.0.0.1:{port}/", "portkey");
        return new PortkeyPeer(process, port);
    }

    public ValueTask DisposeAsync()
    {
        Peers.Stop(_process);
        return ValueTask.CompletedTask;
    }
}
