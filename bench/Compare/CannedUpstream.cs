using System.Diagnostics;

namespace LlmGateway.Bench.Compare;

/// <summary>
/// nginx as the fixed upstream: a canned chat completion at <c>/v1/chat/completions</c> and a canned SSE stream at
/// <c>/sse/v1/chat/completions</c>, answered from memory (<c>return 200</c>), so the upstream costs every system the same.
/// </summary>
internal sealed class CannedUpstream : IAsyncDisposable
{
    public const string Completion =
        """{"id":"chatcmpl-bench","object":"chat.completion","created":1700000000,"model":"bench-model","choices":[{"index":0,"message":{"role":"assistant","content":"Open Settings, choose Security, then Reset password and follow the link we email you."},"finish_reason":"stop"}],"usage":{"prompt_tokens":14,"completion_tokens":18,"total_tokens":32}}""";

    private readonly Process _process;
    private readonly string _folder;

    private CannedUpstream(Process process, string folder, int port)
    {
        _process = process;
        _folder = folder;
        Port = port;
    }

    public int Port { get; }

    public int ProcessId => _process.Id;

    /// <summary>The canned stream: five content chunks, a final chunk with usage, then <c>[DONE]</c>. Valid JSON chunks, so the gateway can store it.</summary>
    public static string Stream()
    {
        static string Chunk(string delta, string finish, string usage) =>
            $$$"""data: {"id":"chatcmpl-bench","object":"chat.completion.chunk","created":1700000000,"model":"bench-stream","choices":[{"index":0,"delta":{{{{delta}}}},"finish_reason":{{{finish}}}}]{{{usage}}}}""" + "\n\n";
        var parts = new[] { "Open Settings, ", "choose Security, ", "then Reset password ", "and follow the link ", "we email you." };
        var text = Chunk("\"role\":\"assistant\",\"content\":\"\"", "null", "");
        foreach (var part in parts)
            text += Chunk($"\"content\":\"{part}\"", "null", "");
        text += Chunk("", "\"stop\"", ",\"usage\":{\"prompt_tokens\":14,\"completion_tokens\":18,\"total_tokens\":32}");
        return text + "data: [DONE]\n\n";
    }

    public static async Task<CannedUpstream> StartAsync(string binary, int port)
    {
        var folder = Path.Combine(Path.GetTempPath(), $"llmgw-upstream-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Path.Combine(folder, "logs"));
        var config = Path.Combine(folder, "nginx.conf");
        // nginx strings take \n escapes; single-quoted so the JSON's double quotes need none.
        var stream = Stream().Replace("\n", "\\n");
        File.WriteAllText(config, $$"""
            worker_processes 1;
            daemon off;
            pid {{folder}}/nginx.pid;
            error_log {{folder}}/logs/error.log warn;
            events { worker_connections 4096; }
            http {
              access_log off;
              client_body_temp_path {{folder}}/body;
              keepalive_requests 1000000;
              server {
                listen 127.0.0.1:{{port}} backlog=4096;
                location = /health { return 200 'ok'; }
                location = /v1/chat/completions { default_type application/json; return 200 '{{Completion}}'; }
                location = /sse/v1/chat/completions { default_type text/event-stream; return 200 '{{stream}}'; }
              }
            }
            """);
        var process = Process.Start(new ProcessStartInfo(binary, $"-c {config} -p {folder}") { RedirectStandardError = true, RedirectStandardOutput = true })!;
        await Peers.WaitHealthyAsync(process, $"http://127.0.0.1:{port}/health", "nginx (upstream)");
        return new CannedUpstream(process, folder, port);
    }

    public ValueTask DisposeAsync()
    {
        Peers.Stop(_process);
        try { Directory.Delete(_folder, true); } catch (IOException) { }
        return ValueTask.CompletedTask;
    }
}
