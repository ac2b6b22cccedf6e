using System.Net;
using System.Text.Json.Nodes;
using LlmGateway.Tests.Infrastructure;

namespace LlmGateway.Tests.Caching;

public sealed class CacheHitTests
{
    private static double Similarity(string a, string b) => CacheTestHost.Similarity(a, b);

    [Fact]
    public async Task The_same_request_again_is_an_exact_hit_with_a_fresh_id()
    {
        await using var host = await CacheTestHost.StartAsync();

        using var first = await host.AskAsync(CacheTestHost.Chat("What is the capital of France?"));
        using var second = await host.AskAsync(CacheTestHost.Chat("What is the capital of France?"));

        Assert.Equal("MISS", CacheTestHost.XCache(first));
        Assert.Equal("HIT", CacheTestHost.XCache(second));
        Assert.Equal("exact", second.Headers.GetValues("x-cache-tier").Single());
        Assert.Single(host.Upstream.Requests);
        var a = await Json.ReadObjectAsync(first);
        var b = await Json.ReadObjectAsync(second);
        Assert.Equal(a["choices"]!.ToJsonString(), b["choices"]!.ToJsonString());
        Assert.NotEqual(a["id"]!.GetValue<string>(), b["id"]!.GetValue<string>());
        Assert.StartsWith("chatcmpl-", b["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_reworded_question_above_the_threshold_is_a_semantic_hit_and_just_below_it_a_miss()
    {
        const string stored = "How do I reset my password?";
        const string asked = "How can I reset the password?";
        var similarity = Similarity(stored, asked);
        Assert.InRange(similarity, 0.5, 0.9999);

        await using var above = await CacheTestHost.StartAsync(s => s["Gateway:Teams:team-a:Cache:Threshold"] = (similarity - 0.001).ToString(System.Globalization.CultureInfo.InvariantCulture));
        await above.AskAsync(CacheTestHost.Chat(stored));
        using var hit = await above.AskAsync(CacheTestHost.Chat(asked));

        await using var below = await CacheTestHost.StartAsync(s => s["Gateway:Teams:team-a:Cache:Threshold"] = (similarity + 0.001).ToString(System.Globalization.CultureInfo.InvariantCulture));
        await below.AskAsync(CacheTestHost.Chat(stored));
        using var miss = await below.AskAsync(CacheTestHost.Chat(asked));

        Assert.Equal("HIT", CacheTestHost.XCache(hit));
        Assert.Equal("semantic", hit.Headers.GetValues("x-cache-tier").Single());
        Assert.InRange(double.Parse(hit.Headers.GetValues("x-cache-similarity").Single(), System.Globalization.CultureInfo.InvariantCulture), similarity - 1e-4, similarity + 1e-4);
        Assert.Equal("MISS", CacheTestHost.XCache(miss));
        Assert.Equal(2, below.Upstream.Requests.Count);
    }

    [Fact]
    public async Task A_request_may_only_make_the_threshold_stricter()
    {
        const string stored = "How do I reset my password?";
        const string asked = "How can I reset the password?";
        var similarity = Similarity(stored, asked);
        await using var host = await CacheTestHost.StartAsync(s => s["Gateway:Teams:team-a:Cache:Threshold"] = (similarity - 0.01).ToString(System.Globalization.CultureInfo.InvariantCulture));
        await host.AskAsync(CacheTestHost.Chat(stored));

        using var looser = await host.AskAsync(CacheTestHost.Chat(asked), headers: h => h.Add("x-cache-threshold", "0.1"));
        using var stricter = await host.AskAsync(CacheTestHost.Chat("How can I reset the password please?"), headers: h => h.Add("x-cache-threshold", "0.9999"));

        Assert.Equal("HIT", CacheTestHost.XCache(looser));
        Assert.Equal("MISS", CacheTestHost.XCache(stricter));
    }

    [Fact]
    public async Task Look_alike_questions_are_refused_by_the_guard()
    {
        await using var host = await CacheTestHost.StartAsync(s => s["Gateway:Cache:Threshold"] = "0.3");
        await host.AskAsync(CacheTestHost.Chat("How do I convert Celsius to Fahrenheit?"));
        await host.AskAsync(CacheTestHost.Chat("What were the sales figures in 2023?"));
        await host.AskAsync(CacheTestHost.Chat("Can I delete my account?"));

        using var swapped = await host.AskAsync(CacheTestHost.Chat("How do I convert Fahrenheit to Celsius?"));
        using var year = await host.AskAsync(CacheTestHost.Chat("What were the sales figures in 2024?"));
        using var negated = await host.AskAsync(CacheTestHost.Chat("Can't I delete my account?"));

        Assert.Equal(["MISS", "MISS", "MISS"], new[] { swapped, year, negated }.Select(CacheTestHost.XCache));
    }

    [Fact]
    public async Task Only_the_nearest_stored_question_is_decided_so_a_refused_nearest_is_a_miss_though_a_farther_one_would_pass()
    {
        const string asked = "How do I convert Fahrenheit to Celsius?";
        const string swapped = "How do I convert Celsius to Fahrenheit?"; // the nearest, and refused: the same words swapped
        const string farther = "So how do I convert Fahrenheit to Celsius then?"; // only function words added: the guard passes it
        Assert.True(Similarity(asked, swapped) > Similarity(asked, farther), "the refused question must be the nearer one");
        var threshold = (Similarity(asked, farther) - 0.01).ToString(System.Globalization.CultureInfo.InvariantCulture);

        await using var both = await CacheTestHost.StartAsync(s => s["Gateway:Cache:Threshold"] = threshold);
        await both.AskAsync(CacheTestHost.Chat(swapped));
        await both.AskAsync(CacheTestHost.Chat(farther));
        await both.WaitForIndexingAsync();
        using var decided = await both.AskAsync(CacheTestHost.Chat(asked));

        await using var alone = await CacheTestHost.StartAsync(s => s["Gateway:Cache:Threshold"] = threshold);
        await alone.AskAsync(CacheTestHost.Chat(farther));
        await alone.WaitForIndexingAsync();
        using var served = await alone.AskAsync(CacheTestHost.Chat(asked));

        Assert.Equal("MISS", CacheTestHost.XCache(decided));
        Assert.Equal("HIT", CacheTestHost.XCache(served));
        Assert.Equal(3, both.Upstream.Requests.Count);
    }

    [Fact]
    public async Task Without_a_configured_threshold_only_exact_hits_are_served()
    {
        await using var host = await CacheTestHost.StartAsync();
        await host.AskAsync(CacheTestHost.Chat("How do I reset my password?"));

        using var reworded = await host.AskAsync(CacheTestHost.Chat("How can I reset the password?"));

        Assert.Equal("MISS", CacheTestHost.XCache(reworded));
    }

    [Fact]
    public async Task Non_text_parts_use_the_exact_tier_only()
    {
        await using var host = await CacheTestHost.StartAsync(s => s["Gateway:Cache:Threshold"] = "0.1");
        string WithImage(string text, string url) => $"{{\"model\":\"gpt-4o-mini\",\"messages\":[{{\"role\":\"user\",\"content\":[{{\"type\":\"text\",\"text\":\"{text}\"}},{{\"type\":\"image_url\",\"image_url\":{{\"url\":\"{url}\"}}}}]}}]}}";
        await host.AskAsync(WithImage("What is in this picture?", "https://example.com/a.png"));

        using var otherImage = await host.AskAsync(WithImage("What is in this picture?", "https://example.com/b.png"));
        using var same = await host.AskAsync(WithImage("What is in this picture?", "https://example.com/a.png"));

        Assert.Equal("MISS", CacheTestHost.XCache(otherImage));
        Assert.Equal("HIT", CacheTestHost.XCache(same));
        Assert.Equal("exact", same.Headers.GetValues("x-cache-tier").Single());
    }

    [Fact]
    public async Task Bad_cache_headers_are_a_400_naming_the_header()
    {
        await using var host = await CacheTestHost.StartAsync();
        using var badTtl = await host.AskAsync(CacheTestHost.Chat("q"), headers: h => h.Add("x-cache-ttl", "soon"));
        using var badThreshold = await host.AskAsync(CacheTestHost.Chat("q"), headers: h => h.Add("x-cache-threshold", "2"));
        await Json.AssertOpenAiErrorAsync(badTtl, 400, param: "x-cache-ttl");
        await Json.AssertOpenAiErrorAsync(badThreshold, 400, param: "x-cache-threshold");
        Assert.Empty(host.Upstream.Requests);
    }
}
