using System.Text.Json.Nodes;
using LlmGateway.Gateway;
using LlmGateway.Tests.Infrastructure;
using LlmGateway.Tests.Metrics;
using static LlmGateway.Tests.Caching.Verified.VerifiedCacheHost;

namespace LlmGateway.Tests.Caching.Verified;

/// <summary>The verified cache through the real gateway and a fake upstream (Gateway:Cache:MaxErrorRate).</summary>
public sealed class VerifiedCacheTests
{
    [Fact]
    public async Task Without_a_max_error_rate_a_paraphrase_is_a_semantic_hit_as_before_and_a_team_rate_applies_to_its_team_only()
    {
        await using var host = await CacheTestHost.StartAsync(s =>
        {
            s["Gateway:Cache:Threshold"] = "0.5";
            s["Gateway:Teams:team-a:Cache:MaxErrorRate"] = "0.5";
            s["Gateway:Cache:ExploreFloor"] = "0";
        }, Seeded);

        // team-c has no δ: today's behaviour.
        await host.AskAsync(CacheTestHost.Chat(Question), CacheTestHost.ThirdTeamKey);
        using var hit = await host.AskAsync(CacheTestHost.Chat(Paraphrase), CacheTestHost.ThirdTeamKey);
        Assert.Equal("HIT", CacheTestHost.XCache(hit));
        Assert.Equal("semantic", hit.Headers.GetValues("x-cache-tier").Single());
        var metrics = await MetricsScrape.ParsedAsync(host.Gateway);
        Assert.Equal(0, metrics.Sum("llm_gateway_cache_bound_verdicts_total"));

        // team-a's δ: the same paraphrase is not served on trust.
        await host.AskAsync(CacheTestHost.Chat(Question));
        using var explored = await host.AskAsync(CacheTestHost.Chat(Paraphrase));
        Assert.Equal("MISS", CacheTestHost.XCache(explored));
        Assert.Equal("explore", Reason(explored));
    }

    [Fact]
    public async Task An_uncertain_candidate_is_forwarded_and_the_comparison_recorded_on_its_entry_without_storing_the_same_answer_again()
    {
        await using var host = await VerifiedCacheHost.StartAsync();
        await host.AskAsync(CacheTestHost.Chat(Question), headers: SameAnswer);

        using var explored = await host.AskAsync(CacheTestHost.Chat(Paraphrase), headers: SameAnswer);

        Assert.Equal("MISS", CacheTestHost.XCache(explored));
        Assert.Equal("explore", Reason(explored));
        Assert.Equal(2, host.Upstream.Requests.Count);
        Assert.Equal("This is the fake upstream's answer", JsonNode.Parse(await explored.Content.ReadAsStringAsync())!["choices"]![0]!["message"]!["content"]!.GetValue<string>());
        var evidence = await host.WaitForEvidenceAsync(1);
        Assert.True(Assert.Single(evidence).Same);
        Assert.Equal(1, host.Cache.Count); // the same answer is already the candidate's: not stored twice
        var metrics = await MetricsScrape.WhenAsync(host.Gateway, m => m.Sum("llm_gateway_cache_explorations_total", ("outcome", "same")) == 1);
        Assert.Equal(1, metrics.Sum("llm_gateway_cache_bound_verdicts_total", ("verdict", "explore"), ("team", "team-a"), ("model", "gpt-4o-mini")));
        Assert.Single(metrics.Find("llm_gateway_cache_estimated_error_rate", ("team", "team-a"), ("model", "gpt-4o-mini")));
    }

    [Fact]
    public async Task After_enough_verified_sameness_the_paraphrase_is_served_as_a_hit_and_the_dashboard_shows_the_bound()
    {
        await using var host = await VerifiedCacheHost.StartAsync(s => s["Gateway:Admin:KeySha256:0"] = LlmGateway.Auth.TeamKeys.Sha256Hex(DashboardTests.AdminKey));
        await host.AskAsync(CacheTestHost.Chat(Question), headers: SameAnswer);

        var explorations = 0;
        HttpResponseMessage? hit = null;
        for (var i = 0; i < 200 && hit is null; i++)
        {
            var response = await host.AskAsync(CacheTestHost.Chat(Paraphrase), headers: SameAnswer);
            if (CacheTestHost.XCache(response) == "HIT")
            {
                hit = response;
                break;
            }
            Assert.Equal("explore", Reason(response));
            response.Dispose();
            explorations++;
            await host.WaitForEvidenceAsync(explorations);
        }

        Assert.NotNull(hit);
        Assert.True(explorations > 0);
        Assert.Equal("semantic", hit.Headers.GetValues("x-cache-tier").Single());
        Assert.All(host.Cache.EvidenceFor(Question), o => Assert.True(o.Same));
        await MetricsScrape.WhenAsync(host.Gateway, m => m.Sum("llm_gateway_cache_bound_hits_total", ("team", "team-a")) == 1);
        hit.Dispose();
        var dashboard = await host.Gateway.Client(DashboardTests.AdminKey).GetStringAsync("/admin/dashboard");
        Assert.Contains("id=\"verified-cache\"", dashboard);
        Assert.Contains("<td>team-a</td><td>gpt-4o-mini</td>", dashboard);
    }

    [Fact]
    public async Task A_recorded_difference_keeps_the_candidate_from_answering_and_the_fresh_answer_is_stored_for_its_own_question()
    {
        await using var host = await VerifiedCacheHost.StartAsync();
        await host.AskAsync(CacheTestHost.Chat(Question));

        using var explored = await host.AskAsync(CacheTestHost.Chat(Paraphrase));
        Assert.Equal("explore", Reason(explored));
        Assert.False(Assert.Single(await host.WaitForEvidenceAsync(1)).Same);
        await host.WaitForEntriesAsync(2);
        await host.WaitForIndexingAsync();

        using var again = await host.AskAsync(CacheTestHost.Chat(Paraphrase));
        Assert.Equal("HIT", CacheTestHost.XCache(again));
        Assert.Equal("exact", again.Headers.GetValues("x-cache-tier").Single());
        Assert.Contains("password please", JsonNode.Parse(await again.Content.ReadAsStringAsync())!["choices"]![0]!["message"]!["content"]!.GetValue<string>());
        await MetricsScrape.WhenAsync(host.Gateway, m => m.Sum("llm_gateway_cache_explorations_total", ("outcome", "different")) == 1);
    }

    [Theory]
    [InlineData("x-fake-status", "500", false)]
    [InlineData("x-fake-reset-after-chunks", "3", true)]
    public async Task An_exploration_whose_upstream_fails_or_is_cut_records_nothing(string header, string value, bool stream)
    {
        await using var host = await VerifiedCacheHost.StartAsync();
        await host.AskAsync(CacheTestHost.Chat(Question), headers: SameAnswer);

        try
        {
            using var failed = await host.AskAsync(CacheTestHost.Chat(Paraphrase, stream: stream), headers: h => { SameAnswer(h); h.Add(header, value); });
        }
        catch (HttpRequestException)
        {
            // The cut stream may end the client's read.
        }

        await host.WaitForNotStoredAsync(stream ? "incomplete" : "status");
        await Eventually.ReadAsync(() => host.Verifier().Pending, p => p == 0);
        Assert.Empty(host.Cache.EvidenceFor(Question));
        var metrics = await MetricsScrape.ParsedAsync(host.Gateway);
        Assert.Equal(1, metrics.Sum("llm_gateway_cache_bound_verdicts_total", ("verdict", "explore")));
        Assert.Equal(0, metrics.Sum("llm_gateway_cache_explorations_total"));
    }

    [Fact]
    public async Task Evidence_survives_a_restart_and_the_pools_are_rebuilt_without_counting_twice()
    {
        var storage = GatewayHost.NewStoragePath();
        await using (var first = await VerifiedCacheHost.StartAsync(storage: storage))
        {
            await first.AskAsync(CacheTestHost.Chat(Question), headers: SameAnswer);
            using (await first.AskAsync(CacheTestHost.Chat(Paraphrase), headers: SameAnswer)) { }
            await first.WaitForEvidenceAsync(1);
            using (await first.AskAsync(CacheTestHost.Chat(Paraphrase), headers: SameAnswer)) { }
            await first.WaitForEvidenceAsync(2);
            Assert.Equal(2, first.Cache.EvidencePools.All().Sum(p => p.Pool.Observations));
        }

        await using var second = await VerifiedCacheHost.StartAsync(storage: storage);
        var evidence = second.Cache.EvidenceFor(Question);
        Assert.Equal(2, evidence.Length);
        Assert.All(evidence, o => Assert.True(o.Same));
        var pool = Assert.Single(second.Cache.EvidencePools.All());
        Assert.Equal(("team:team-a", "gpt-4o-mini", 2L, 0L), (pool.Scope, pool.Model, pool.Pool.Observations, pool.Pool.Different));
    }

    [Fact]
    public async Task Out_of_range_error_rates_and_bars_fail_startup_naming_their_keys()
    {
        var settings = GatewayHost.BasicSettings("http://localhost:1/v1");
        settings["Gateway:Cache:MaxErrorRate"] = "0";
        settings["Gateway:Cache:ModelMaxErrorRates:gpt-4o-mini"] = "0.6";
        settings["Gateway:Teams:team-a:Cache:MaxErrorRate"] = "-0.1";
        settings["Gateway:Cache:ExploreFloor"] = "1.5";
        settings["Gateway:Cache:AnswerSimilarityBar"] = "0";

        var ex = await Assert.ThrowsAsync<GatewayConfigException>(() => GatewayHost.StartAsync(settings));

        Assert.Contains(ex.Errors, e => e.StartsWith("Gateway:Cache:MaxErrorRate:"));
        Assert.Contains(ex.Errors, e => e.StartsWith("Gateway:Cache:ModelMaxErrorRates:gpt-4o-mini:"));
        Assert.Contains(ex.Errors, e => e.StartsWith("Gateway:Teams:team-a:Cache:MaxErrorRate:"));
        Assert.Contains(ex.Errors, e => e.StartsWith("Gateway:Cache:ExploreFloor:"));
        Assert.Contains(ex.Errors, e => e.StartsWith("Gateway:Cache:AnswerSimilarityBar:"));
    }
}
