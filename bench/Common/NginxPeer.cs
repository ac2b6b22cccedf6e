using System.Diagnostics;

namespace LlmGateway.Bench.Common;

/// <summary>nginx as a plain reverse proxy in front of the same upstream: the peer the gateway's added latency is compared with.</summary>
internal sealed class NginxPeer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _folder;

    private NginxPeer(Process process, string folder)
    {
        _process = process;
        _folder = folder;
    }

    /// <summary>The master's id; its worker is its child (<see cref="Compare.Peers.TreeCpuTime"/> counts both).</summary>
    public int ProcessId => _process.Id;

    public static string? Binary() => new[] { "/usr/sbin/nginx", "/usr/bin/nginx" }.FirstOrDefault(File.Exists);

    public static async Task<NginxPeer> StartAsync(string binary, int port, int upstreamPort)
    {
        var folder = Path.Combine(Path.GetTempPath(), $"llmgw-nginx-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Path.Combine(folder, "logs"));
        var config = Path.Combine(folder, "nginx.conf");
        File.WriteAllText(config, $$"""
            worker_processes 1;
            daemon off;
            pid {{folder}}/nginx.pid;
            error_log {{folder}}/logs/error.log warn;
            events { worker_connections 4096; }
            http {
              access_log off;
              client_body_temp_path {{folder}}/body;
              proxy_temp_path {{folder}}/proxy;
              upstream fake { server 127.0.0.1:{{upstreamPort}}; keepalive 256; keepalive_requests 1000000; }
              server {
                listen 127.0.0.1:{{port}};
                location / {
                  proxy_pass http://fake;
                  proxy_http_version 1.1;
                  proxy_set_header Connection "";
                  proxy_buffering off;
                }
              }
            }
            """);
        var process = Process.Start(new ProcessStartInfo(binary, $"-c {config} -p {folder}") { RedirectStandardError = true, RedirectStandardOutput = true })!;
        using var http = new HttpClient();
        for (var i = 0; i < 100; i++)
        {
            try
            {
                await http.GetAsync($"http://127.0.0.1:{port}/health");
                return new NginxPeer(process, folder);
            }
            catch (HttpRequestException) { await Task.Delay(50); }
        }
        process.Kill(true);
        throw new TimeoutException("nginx did not start: " + await process.StandardError.ReadToEndAsync());
    }

    public ValueTask DisposeAsync()
    {
        if (!_process.HasExited) _process.Kill(true);
        _process.Dispose();
        try { Directory.Delete(_folder, true); } catch (IOException) { }
        return ValueTask.CompletedTask;
    }
}
