using System.Diagnostics;
using System.Net;
using LlmGateway.Demo;
using LlmGateway.Tests.Infrastructure;

namespace LlmGateway.Tests.Routing;

public sealed class StreamingTests
{
    [Fact]
    public async Task The_first_chunk_reaches_the_client_while_the_provider_is_still_streaming()
    {
        // 10 chunks, 1.5 s apart: a buffering proxy would hold the first chunk for ~15 s.
        await using var upstream = await FakeUpstream.StartAsync(new FakeUpstreamOptions { ChunkDelayMs = 1500 });
        await using var gateway = await GatewayHost.StartAsync(GatewayHost.BasicSettings(upstream.BaseUrl));
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = Json.Chat("mini", "a b c", stream: true) };

        var clock = Stopwatch.StartNew();
        using var response = await gateway.Client().SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        await using var stream = await response.Content.ReadAsStreamAsync();
        await using var events = Sse.ReadDataAsync(stream).GetAsyncEnumerator();
        Assert.True(await events.MoveNextAsync());
        var firstChunkAfter = clock.Elapsed;

        Assert.Contains("\"role\":\"assistant\"", events.Current);
        Assert.True(firstChunkAfter < TimeSpan.FromSeconds(7), $"first chunk took {firstChunkAfter}");
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
        await using var upstream = await FakeUpstream.StartAsync(new FakeUpstreamOptions { ChunkDelayMs = 500 });
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
        await using var upstream = await FakeUpstream.StartAsync(new FakeUpstreamOptions { ChunkDelayMs = 150 });
        var gateway = await GatewayHost.StartAsync(GatewayHost.BasicSettings(upstream.BaseUrl));
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = Json.Chat("mini", "finish me", stream: true) };
        using var response = await gateway.Client().SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        var reading = Task.Run(async () =>
        {
            var all = new List<string>();
            await foreach (var data in Sse.ReadDataAsync(await response.Content.ReadAsStreamAsync()))
                all.Add(data);
            return all;
        });

        await Task.Delay(300);
        await gateway.DisposeAsync();
        var events = await reading;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("[DONE]", events[^1]);
    }
}
