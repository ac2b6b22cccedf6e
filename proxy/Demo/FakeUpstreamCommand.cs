namespace LlmGateway.Demo;

/// <summary><c>LlmGateway fake-upstream [--urls URL] [--latency-ms N] [--chunk-delay-ms N]</c>: the fake provider on its own.</summary>
internal static class FakeUpstreamCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        string Arg(string name, string fallback)
        {
            var i = Array.IndexOf(args, name);
            return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
        }
        var options = new FakeUpstreamOptions
        {
            LatencyMs = int.Parse(Arg("--latency-ms", "0")),
            ChunkDelayMs = int.Parse(Arg("--chunk-delay-ms", "0")),
        };
        await using var upstream = await FakeUpstream.StartAsync(options, Arg("--urls", "http://127.0.0.1:5081"));
        Console.WriteLine($"fake upstream: {upstream.BaseUrl} (Ctrl+C to stop)");
        var stop = new TaskCompletionSource();
        Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.TrySetResult(); };
        await stop.Task;
        return 0;
    }
}
