using LlmGateway.Tests.Infrastructure;

namespace LlmGateway.Tests.Caching;

/// <summary>
/// The exact tier is written before the client has the last byte of a miss's answer, so a repeat sent the moment
/// the answer arrived is a hit: no waiting, no polling. (When the store ran after the response, ~3 of 40 missed.)
/// </summary>
public sealed class CacheImmediateRepeatTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_repeat_sent_as_soon_as_the_answer_arrived_is_a_hit(bool stream)
    {
        await using var host = await CacheTestHost.StartAsync();
        var client = host.Gateway.Client();
        var outcomes = new List<string>();

        for (var i = 0; i < 40; i++)
        {
            var body = CacheTestHost.Chat($"Immediate repeat number {i}: what is the boiling point of water?", stream: stream);
            using var first = await client.PostAsync("/v1/chat/completions", Json.Body(body));
            var answer = await first.Content.ReadAsStringAsync();
            using var again = await client.PostAsync("/v1/chat/completions", Json.Body(body));
            await again.Content.ReadAsStringAsync();
            Assert.Contains(stream ? "[DONE]" : "chat.completion", answer);
            outcomes.Add($"{CacheTestHost.XCache(first)}/{CacheTestHost.XCache(again)}");
        }

        Assert.All(outcomes, o => Assert.Equal("MISS/HIT", o));
        Assert.Equal(40, host.Upstream.Requests.Count);
    }
}
