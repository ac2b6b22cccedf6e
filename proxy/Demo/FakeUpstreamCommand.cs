using System.CommandLine;

namespace LlmGateway.Demo;

/// <summary><c>LlmGateway fake-upstream [--urls URL] [--latency-ms N] [--chunk-delay-ms N]</c>: the fake provider on its own.</summary>
internal static class FakeUpstreamCommand
{
    public static Command Create()
    {
        var urls = new Option<string>("--urls") { Description = "Address to listen on.", DefaultValueFactory = _ => "http://127.0.0.1:5081" };
        var latency = new Option<int>("--latency-ms") { Description = "Delay before the response headers, in ms.", DefaultValueFactory = _ => 0 };
        var chunkDelay = new Option<int>("--chunk-delay-ms") { Description = "Delay between streamed chunks, in ms.", DefaultValueFactory = _ => 0 };
        var command = new Command("fake-upstream", "The fake OpenAI-compatible provider the tests and benchmarks use, on its own; runs until Ctrl+C.")
        {
            urls, latency, chunkDelay,
        };
        command.SetAction(async (parsed, stopping) =>
        {
            var options = new FakeUpstreamOptions { LatencyMs = parsed.GetValue(latency), ChunkDelayMs = parsed.GetValue(chunkDelay) };
            await using var upstream = await FakeUpstream.StartAsync(options, parsed.GetValue(urls)!, stopping);
            await parsed.InvocationConfiguration.Output.WriteLineAsync($"fake upstream: {upstream.BaseUrl} (Ctrl+C to stop)");
            // Until Ctrl+C or SIGTERM, on which System.CommandLine cancels the token; the upstream stops on dispose.
            await Task.Delay(Timeout.Infinite, stopping).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            return 0;
        });
        return command;
    }
}
