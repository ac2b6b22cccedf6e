using System.Net;
using LlmGateway.Demo;
using LlmGateway.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace LlmGateway.Tests.Routing;

public sealed class StreamingTests
{
    // Upstream delays run on fake clocks; real time only bounds how long a broken test waits.
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task The_first_chunk_reaches_the_client_while_the_provider_is_still_streaming()
    {
        // The upstream's clock never moves: after its first chunk it waits for ever, so a buffering proxy never passes the chunk on.
        await using var upstream = await FakeUpstream.StartAsync(new FakeUpstreamOptions { ChunkDelayMs = 1500 }, time: new FakeTimeProvider());
        await using var gateway = await GatewayHost.StartAsync(GatewayHost.BasicSettings(upstream.BaseUrl));
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = Json.Chat("mini", "a b c", stream: true) };

        // Closing the connection when the response is disposed ends the upstream request that is still waiting.
        using var response = await gateway.Client(abortOnDispose: true).SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        await using var stream = await response.Content.ReadAsStreamAsync();
        await using var events = Sse.ReadDataAsync(stream).GetAsyncEnumerator();
        var first = events.MoveNextAsync().AsTask();
        await Task.WhenAny(first, Task.Delay(Patience));

        Assert.True(first.IsCompletedSuccessfully && await first, "the first chunk did not reach the client while the provider was still streaming");
        Assert.Contains("\"role\":\"assistant\"", events.Current);
    }

    [Fact]
    public async Task A_streaming_responses_api_call_is_forwarded_event_by_event()
    {
        await using var upstream = await FakeUpstream.StartAsync(new FakeUpstreamOptions());
        await using var gateway = await GatewayHost.StartAsync(GatewayHost.BasicSettings(upstream.BaseUrl));
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/responses") { Content = Json.Body("{\"model\":\"mini\",\"input\":\"say hi\",\"stream\":true}") };

        using var response = await gateway.Client().SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        var types = new List<string>();
        await foreach (var data in Sse.ReadDataAsync(await response.Content.ReadAsStreamAsync()))
            types.Add(System.Text.Json.Nodes.JsonNode.Parse(data)!["type"]!.GetValue<string>());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("response.created", types[0]);
        Assert.Contains("response.output_text.delta", types);
        Assert.Equal("response.completed", types[^1]);
    }

    [Fact]
    public async Task A_client_that_disconnects_cancels_the_upstream_request()
    {
        // The upstream's clock never moves, so it is still streaming when the client goes, however slow the machine.
        await using var upstream = await FakeUpstream.StartAsync(new FakeUpstreamOptions { ChunkDelayMs = 500 }, time: new FakeTimeProvider());
        await using var gateway = await GatewayHost.StartAsync(GatewayHost.BasicSettings(upstream.BaseUrl));
        var client = gateway.Client(abortOnDispose: true);
        using (var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = Json.Chat("mini", "long answer please", stream: true) })
        {
            var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            var stream = await response.Content.ReadAsStreamAsync();
            await stream.ReadAtLeastAsync(new byte[64], 1);
            response.Dispose();
            client.Dispose();
        }

        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (upstream.AbortedRequests == 0 && DateTime.UtcNow < deadline)
            await Task.Delay(50);
        Assert.Equal(1, upstream.AbortedRequests);
    }

    [Fact]
    public async Task Shutdown_lets_an_in_flight_stream_finish()
    {
        // The upstream's chunk delays run on a clock the test moves, so the stream is still going when shutdown begins.
        var upstreamClock = new FakeTimeProvider();
        var chunkDelay = TimeSpan.FromMilliseconds(150);
        await using var upstream = await FakeUpstream.StartAsync(new FakeUpstreamOptions { ChunkDelayMs = (int)chunkDelay.TotalMilliseconds }, time: upstreamClock);
        var gateway = await GatewayHost.StartAsync(GatewayHost.BasicSettings(upstream.BaseUrl));
        var shutdownBegan = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var onStopping = gateway.App.Lifetime.ApplicationStopping.Register(shutdownBegan.SetResult);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = Json.Chat("mini", "finish me", stream: true) };
        using var response = await gateway.Client().SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        var reading = Task.Run(async () =>
        {
            var all = new List<string>();
            await foreach (var data in Sse.ReadDataAsync(await response.Content.ReadAsStreamAsync()))
                all.Add(data);
            return all;
        });

        var stopping = gateway.DisposeAsync().AsTask();
        await shutdownBegan.Task.WaitAsync(Patience);
        // Only now may the upstream go on: move its clock until the client has read the whole stream.
        var deadline = DateTime.UtcNow + Patience;
        while (!reading.IsCompleted && DateTime.UtcNow < deadline)
        {
            upstreamClock.Advance(chunkDelay);
            await Task.WhenAny(reading, Task.Delay(10));
        }
        var events = await reading.WaitAsync(Patience);
        await stopping.WaitAsync(Patience);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("[DONE]", events[^1]);
    }
}
