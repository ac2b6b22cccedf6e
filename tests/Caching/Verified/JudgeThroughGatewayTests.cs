using System.Text.Json.Nodes;
using LlmGateway.Metrics;
using LlmGateway.Tests.Infrastructure;
using LlmGateway.Tests.Metrics;
using static LlmGateway.Tests.Caching.Verified.VerifiedCacheHost;

namespace LlmGateway.Tests.Caching.Verified;

/// <summary>The judge model (Gateway:Cache:Judge) called through the real gateway, on its own provider stub.</summary>
public sealed class JudgeThroughGatewayTests
{
    /// <summary>30-word answers: over the short-answer rule, and different for the question and its paraphrase.</summary>
    private static void LongAnswer(System.Net.Http.Headers.HttpRequestHeaders headers) => headers.Add("x-fake-answer-words", "30");

    private static Task<CacheTestHost> StartAsync(JudgeUpstream judge) => VerifiedCacheHost.StartAsync(s =>
    {
        s["Gateway:Providers:judge:Kind"] = "openai";
        s["Gateway:Providers:judge:BaseUrl"] = judge.Url + "/v1";
        s["Gateway:Providers:judge:ApiKeyEnv"] = "TEST_PROVIDER_KEY";
        s["Gateway:Models:judge-model:Provider"] = "judge";
        s["Gateway:Models:judge-model:UpstreamModel"] = "judge-upstream-model";
        s["Gateway:Cache:Judge:Model"] = "judge-model";
        s["Gateway:Cache:Judge:KeyVariable"] = "TEST_JUDGE_KEY";
        s["TEST_JUDGE_KEY"] = CacheTestHost.ThirdTeamKey; // team-c pays for the verdicts
    });

    [Theory]
    [InlineData("SAME", true, 1)]
    [InlineData("DIFFERENT", false, 2)]
    public async Task The_judges_verdict_on_two_long_answers_is_recorded_and_its_call_goes_through_the_gateway_for_the_judge_team(string reply, bool same, int entries)
    {
        await using var judge = await JudgeUpstream.StartAsync(reply);
        await using var host = await StartAsync(judge);
        await host.AskAsync(CacheTestHost.Chat(Question), headers: LongAnswer);

        using var explored = await host.AskAsync(CacheTestHost.Chat(Paraphrase), headers: LongAnswer);

        Assert.Equal("explore", Reason(explored));
        Assert.Equal(same, Assert.Single(await host.WaitForEvidenceAsync(1)).Same);
        var (authorization, body) = Assert.Single(judge.Requests);
        Assert.Equal("Bearer " + GatewayHost.ProviderKey, authorization); // the gateway's provider key: it went through the gateway
        var request = JsonNode.Parse(body)!;
        Assert.Equal("judge-upstream-model", request["model"]!.GetValue<string>());
        Assert.StartsWith($"Question:\n{Paraphrase}\n", request["messages"]![1]!["content"]!.GetValue<string>(), StringComparison.Ordinal); // the asked question
        // The candidate, plus the fresh answer when it differs; never the judge's verdict.
        await host.WaitForIndexingAsync();
        Assert.Equal(entries, host.Cache.Count);
        var metrics = await MetricsScrape.WhenAsync(host.Gateway, m => m.Sum(MetricFamilies.CacheJudgeCalls) == 1);
        Assert.Equal(1, metrics.Sum(MetricFamilies.CacheJudgeCalls, ("verdict", same ? "same" : "different")));
        Assert.Equal(1, metrics.Sum("llm_gateway_requests_total", ("team", "team-c"), ("model", "judge-model"), ("cache", "bypass"), ("status_class", "2xx")));
        Assert.Equal(1, metrics.Sum("llm_gateway_cache_explorations_total", ("outcome", same ? "same" : "different")));
    }

    // Questions whose fake answers cut to 25 words are equal (7 words of preamble, then the same first 18 words) and long.
    private const string LongQuestion = "Please explain in detail with examples and caveats how I can reset the password of my account on the website today";
    private const string LongParaphrase = LongQuestion + " please";

    [Fact]
    public async Task Equal_long_answers_never_ask_the_judge_and_a_reply_that_is_not_a_verdict_records_nothing()
    {
        await using var judge = await JudgeUpstream.StartAsync("It depends.");
        await using var host = await StartAsync(judge);
        await host.AskAsync(CacheTestHost.Chat(LongQuestion), headers: h => h.Add("x-fake-answer-words", "25"));
        using (await host.AskAsync(CacheTestHost.Chat(LongParaphrase), headers: h => h.Add("x-fake-answer-words", "25"))) { }
        Assert.True(Assert.Single(await host.WaitForEvidenceAsync(1, LongQuestion)).Same); // equal after normalisation
        Assert.Empty(judge.Requests);

        using (await host.AskAsync(CacheTestHost.Chat(LongParaphrase), headers: LongAnswer)) { }

        var metrics = await MetricsScrape.WhenAsync(host.Gateway, m => m.Sum("llm_gateway_cache_explorations_total", ("outcome", "unverified")) == 1);
        Assert.Single(judge.Requests);
        Assert.Equal(1, metrics.Sum(MetricFamilies.CacheJudgeCalls, ("verdict", "unverified")));
        Assert.Single(host.Cache.EvidenceFor(LongQuestion)); // still only the first comparison
        Assert.Contains(host.Gateway.Logs.Lines, l => l.Contains("[11602]", StringComparison.Ordinal) && l.Contains("judge-model via the gateway itself", StringComparison.Ordinal));
    }
}
