using System.Diagnostics.Metrics;
using System.Text.Json.Nodes;
using LlmGateway.Caching;

namespace LlmGateway.Tests.Caching;

public sealed class ShadowSamplerTests
{
    [Theory]
    [InlineData("Paris is the capital of France.", "The capital of France is Paris.", true)]
    [InlineData("Paris is the capital of France.", "Use the reset link on the login page.", false)]
    public void Answers_agree_when_their_words_overlap(string a, string b, bool agree) =>
        Assert.Equal(agree, ShadowSampler.Agree(a, b));

    [Fact]
    public async Task A_sampled_semantic_hit_is_asked_again_in_the_background_and_counted()
    {
        var checks = new List<(string Agreed, long Value)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Name == "llm_gateway.cache.shadow_checks") l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            foreach (var tag in tags)
                if (tag.Key == "agreed") lock (checks) checks.Add(((string)tag.Value!, value));
        });
        listener.Start();
        await using var host = await CacheTestHost.StartAsync(s =>
        {
            s["Gateway:Cache:Threshold"] = "0.5";
            s["Gateway:Cache:ShadowSampleRate"] = "1";
        });
        await host.AskAsync(CacheTestHost.Chat("How do I reset my password?"));

        using var hit = await host.AskAsync(CacheTestHost.Chat("How do I reset my password please?", stream: true));
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (host.Upstream.Requests.Count < 2 && DateTime.UtcNow < deadline)
            await Task.Delay(20);
        while (checks.Count == 0 && DateTime.UtcNow < deadline)
            await Task.Delay(20);

        Assert.Equal("HIT", CacheTestHost.XCache(hit));
        var shadow = host.Upstream.Requests.Last();
        Assert.False(JsonNode.Parse(shadow.Body)!["stream"]!.GetValue<bool>());
        // The fake upstream echoes the question, so the two answers differ only in the question's words.
        Assert.Single(checks);
    }
}
