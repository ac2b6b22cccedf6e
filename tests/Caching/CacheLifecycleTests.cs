using System.ClientModel;
using System.Text;
using LlmGateway.Auth;
using LlmGateway.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;
using OpenAI;
using OpenAI.Chat;

namespace LlmGateway.Tests.Caching;

public sealed class CacheLifecycleTests
{
    [Fact]
    public async Task A_streamed_miss_is_replayed_as_json_and_a_json_miss_as_a_stream_the_sdk_parses()
    {
        await using var host = await CacheTestHost.StartAsync();
        var sdk = new OpenAIClient(new ApiKeyCredential(GatewayHost.TeamKey), new OpenAIClientOptions { Endpoint = new Uri(host.Gateway.Url + "/v1") }).GetChatClient("gpt-4o-mini");

        var streamedText = await StreamTextAsync(sdk, "First, streamed");
        await host.WaitForEntriesAsync(1); // the SDK stops reading at [DONE], before the gateway ends the stream
        ChatCompletion replayedAsJson = await sdk.CompleteChatAsync([new UserChatMessage("First, streamed")]);

        ChatCompletion json = await sdk.CompleteChatAsync([new UserChatMessage("Second, as JSON")]);
        await host.WaitForEntriesAsync(2);
        var replayedAsStream = await StreamTextAsync(sdk, "Second, as JSON");

        Assert.Equal(streamedText, replayedAsJson.Content[0].Text);
        Assert.Equal(json.Content[0].Text, replayedAsStream);
        Assert.Equal(2, host.Upstream.Requests.Count);
    }

    [Fact]
    public async Task A_replayed_stream_is_framed_like_a_providers_and_carries_usage_only_when_asked()
    {
        await using var host = await CacheTestHost.StartAsync();
        await host.AskAsync(CacheTestHost.Chat("Frame me"));

        using var plain = await host.AskAsync(CacheTestHost.Chat("Frame me", stream: true));
        using var withUsage = await host.AskAsync(CacheTestHost.Chat("Frame me", stream: true, extra: "\"stream_options\":{\"include_usage\":true}"));
        var plainText = await plain.Content.ReadAsStringAsync();
        var usageText = await withUsage.Content.ReadAsStringAsync();

        Assert.Equal("HIT", CacheTestHost.XCache(plain));
        Assert.StartsWith("text/event-stream", plain.Content.Headers.ContentType!.ToString());
        var events = plainText.Split("\n\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.All(events, e => Assert.StartsWith("data: ", e));
        Assert.EndsWith("data: [DONE]\n\n", plainText);
        Assert.DoesNotContain("\"usage\"", plainText);
        Assert.Contains("\"choices\":[],\"usage\":{\"prompt_tokens\"", usageText);
    }

    private static async Task<string> StreamTextAsync(ChatClient sdk, string question)
    {
        var text = new StringBuilder();
        await foreach (var update in sdk.CompleteChatStreamingAsync([new UserChatMessage(question)]))
            foreach (var part in update.ContentUpdate)
                text.Append(part.Text);
        return text.ToString();
    }

    [Fact]
    public async Task An_entry_expires_after_its_ttl_on_the_gateways_clock()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.Parse("2026-11-20T10:00:00Z"));
        await using var host = await CacheTestHost.StartAsync(s => s["Gateway:Cache:Ttl"] = "00:10:00", GatewayHost.WithClock(clock));
        var body = CacheTestHost.Chat("Expire me");
        await host.AskAsync(body);

        clock.Advance(TimeSpan.FromMinutes(9));
        using var before = await host.AskAsync(body);
        clock.Advance(TimeSpan.FromMinutes(2));
        using var after = await host.AskAsync(body);
        using var shortTtl = await host.AskAsync(CacheTestHost.Chat("Short"), headers: h => h.Add("x-cache-ttl", "30"));
        clock.Advance(TimeSpan.FromSeconds(31));
        using var shortAfter = await host.AskAsync(CacheTestHost.Chat("Short"));

        Assert.Equal("HIT", CacheTestHost.XCache(before));
        Assert.Equal("540", before.Headers.GetValues("x-cache-age").Single());
        Assert.Equal("MISS", CacheTestHost.XCache(after));
        Assert.Equal("MISS", CacheTestHost.XCache(shortAfter));
    }

    [Fact]
    public async Task A_restart_keeps_entries_and_they_still_hit()
    {
        var storage = GatewayHost.NewStoragePath();
        await using (var first = await CacheTestHost.StartAsync(storage: storage))
        {
            await first.AskAsync(CacheTestHost.Chat("Remember me across restarts"));
            await first.AskAsync(CacheTestHost.Chat("How do I reset my password?"));
        }

        await using var second = await CacheTestHost.StartAsync(s => s["Gateway:Cache:Threshold"] = "0.5", storage: storage);
        using var exact = await second.AskAsync(CacheTestHost.Chat("Remember me across restarts"));
        using var semantic = await second.AskAsync(CacheTestHost.Chat("How can I reset the password?"));

        Assert.Equal(2, second.Cache.Count);
        Assert.Equal("HIT", CacheTestHost.XCache(exact));
        Assert.Equal("HIT", CacheTestHost.XCache(semantic));
        Assert.Equal("semantic", semantic.Headers.GetValues("x-cache-tier").Single());
        Assert.Empty(second.Upstream.Requests);
    }

    [Fact]
    public async Task A_purge_survives_a_restart()
    {
        var storage = GatewayHost.NewStoragePath();
        await using (var first = await CacheTestHost.StartAsync(s => s["Gateway:Admin:KeySha256:0"] = TeamKeys.Sha256Hex("sk-admin"), storage: storage))
        {
            await first.AskAsync(CacheTestHost.Chat("keep me"));
            await first.AskAsync(CacheTestHost.Chat("purge me", model: "other-model"));
            (await first.Gateway.Client("sk-admin").PostAsync("/admin/cache/purge?model=other-model", null)).EnsureSuccessStatusCode();
            Assert.Equal(1, first.Cache.Count);
        }

        await using var second = await CacheTestHost.StartAsync(storage: storage);

        Assert.Equal(1, second.Cache.Count);
        Assert.Equal("MISS", CacheTestHost.XCache(await second.AskAsync(CacheTestHost.Chat("purge me", model: "other-model"))));
    }

    [Fact]
    public async Task A_new_embedder_never_compares_old_vectors_but_exact_hits_remain()
    {
        var storage = GatewayHost.NewStoragePath();
        await using (var first = await CacheTestHost.StartAsync(s => s["Gateway:Cache:Threshold"] = "0.5", storage: storage))
            await first.AskAsync(CacheTestHost.Chat("How do I reset my password?"));

        await using var second = await CacheTestHost.StartAsync(s =>
        {
            s["Gateway:Cache:Threshold"] = "0.5";
            s["Gateway:Embeddings:Dimension"] = "256";
        }, storage: storage);
        using var semantic = await second.AskAsync(CacheTestHost.Chat("How can I reset the password?"));
        using var exact = await second.AskAsync(CacheTestHost.Chat("How do I reset my password?"));

        Assert.Equal("MISS", CacheTestHost.XCache(semantic));
        Assert.Equal("HIT", CacheTestHost.XCache(exact));
        Assert.Equal("exact", exact.Headers.GetValues("x-cache-tier").Single());
    }

    [Fact]
    public async Task At_capacity_the_least_recently_used_entries_are_evicted()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.Parse("2026-11-20T10:00:00Z"));
        await using var host = await CacheTestHost.StartAsync(s => s["Gateway:Cache:MaxEntries"] = "4", GatewayHost.WithClock(clock));
        for (var i = 0; i < 4; i++)
        {
            await host.AskAsync(CacheTestHost.Chat($"Question number {i}"));
            clock.Advance(TimeSpan.FromSeconds(1));
        }
        await host.AskAsync(CacheTestHost.Chat("Question number 0")); // touch 0: now the most recent
        clock.Advance(TimeSpan.FromSeconds(1));

        await host.AskAsync(CacheTestHost.Chat("Question number 4"));
        using var zero = await host.AskAsync(CacheTestHost.Chat("Question number 0"));
        using var one = await host.AskAsync(CacheTestHost.Chat("Question number 1"));

        Assert.True(host.Cache.Count <= 4);
        Assert.Equal("HIT", CacheTestHost.XCache(zero));
        Assert.Equal("MISS", CacheTestHost.XCache(one));
    }

    [Fact]
    public async Task The_admin_api_purges_by_team_and_model_and_reports_stats()
    {
        await using var host = await CacheTestHost.StartAsync(s => s["Gateway:Admin:KeySha256:0"] = TeamKeys.Sha256Hex("sk-admin"));
        await host.AskAsync(CacheTestHost.Chat("team a, model mini"));
        await host.AskAsync(CacheTestHost.Chat("team a, other model", model: "other-model"));
        await host.AskAsync(CacheTestHost.Chat("team c"), CacheTestHost.ThirdTeamKey);
        var admin = host.Gateway.Client("sk-admin");

        var stats = await Json.ReadObjectAsync(await admin.GetAsync("/admin/cache/stats"));
        var byModel = await Json.ReadObjectAsync(await admin.PostAsync("/admin/cache/purge?model=other-model", null));
        var byTeam = await Json.ReadObjectAsync(await admin.PostAsync("/admin/cache/purge?team=team-c", null));
        using var nothing = await admin.PostAsync("/admin/cache/purge", null);

        Assert.Equal(3, stats["entries"]!.GetValue<int>());
        Assert.Equal(1, byModel["purged"]!.GetValue<int>());
        Assert.Equal(1, byTeam["purged"]!.GetValue<int>());
        Assert.Equal(400, (int)nothing.StatusCode);
        Assert.Equal(1, host.Cache.Count);
        Assert.Equal("HIT", CacheTestHost.XCache(await host.AskAsync(CacheTestHost.Chat("team a, model mini"))));
    }
}
