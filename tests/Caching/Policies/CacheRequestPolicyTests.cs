using System.Text.Json.Nodes;
using LlmGateway.Caching;
using LlmGateway.Caching.Policies;
using LlmGateway.Gateway;
using LlmGateway.Routing;

namespace LlmGateway.Tests.Caching.Policies;

/// <summary>Each request rule on its own: what it refuses (lookup, store), with which reason, and what it lets through.</summary>
public sealed class CacheRequestPolicyTests
{
    [Theory]
    [InlineData(true, true)]
    [InlineData(false, false)]
    public void Cache_off_bypasses(bool enabled, bool allowed) =>
        Assert.Equal(Verdict(allowed, allowed, enabled ? null : "disabled"), Apply(new CacheOffPolicy(), Context(options: new CacheOptions { Enabled = enabled })));

    [Theory]
    [InlineData(null, true)]
    [InlineData(true, true)]
    [InlineData(false, false)]
    public void Team_cache_off_bypasses(bool? teamEnabled, bool allowed)
    {
        var team = teamEnabled is { } e ? new TeamCacheOptions { Enabled = e } : null;
        Assert.Equal(Verdict(allowed, allowed, allowed ? null : "team_disabled"), Apply(new TeamCacheOffPolicy(), Context(team: team)));
    }

    [Theory]
    [InlineData(true, true)]
    [InlineData(false, false)]
    public void No_store_bypasses(bool store, bool allowed) =>
        Assert.Equal(Verdict(allowed, allowed, allowed ? null : "no_store"), Apply(new NoStoreDirectivePolicy(), Context(directives: Directives(lookup: store, store: store))));

    [Theory]
    [InlineData("ChatCompletions", true, true, true)]
    [InlineData("Completions", true, true, true)]
    [InlineData("Embeddings", true, true, true)]
    [InlineData("Responses", true, true, true)]
    [InlineData("Other", true, true, false)]
    [InlineData("ChatCompletions", false, true, false)]
    [InlineData("ChatCompletions", true, false, false)]
    public void Only_model_calls_with_a_json_body_on_cacheable_endpoints_are_cached(string endpoint, bool hasBody, bool hasModel, bool allowed) =>
        Assert.Equal(Verdict(allowed, allowed, allowed ? null : "not_cacheable"),
            Apply(new CacheableEndpointPolicy(), Context(Request(Enum.Parse<OpenAiEndpoint>(endpoint), stream: false, hasBody, hasModel))));

    [Theory]
    [InlineData("Responses", true, false)]
    [InlineData("Responses", false, true)]
    [InlineData("ChatCompletions", true, true)]
    public void A_streamed_responses_call_bypasses(string endpoint, bool stream, bool allowed) =>
        Assert.Equal(Verdict(allowed, allowed, allowed ? null : "streamed_responses"), Apply(new StreamedResponsesPolicy(), Context(Request(Enum.Parse<OpenAiEndpoint>(endpoint), stream))));

    [Theory]
    [InlineData(false, true)]
    [InlineData(true, false)]
    public void A_failing_store_bypasses(bool faulted, bool allowed) =>
        Assert.Equal(Verdict(allowed, allowed, allowed ? null : "storage_fault"), Apply(new StoreFaultPolicy(), Context(storeFaulted: faulted)));

    [Theory]
    [InlineData(true, true)]
    [InlineData(false, false)]
    public void No_cache_skips_the_lookup_but_stores(bool lookup, bool allowLookup) =>
        Assert.Equal(Verdict(allowLookup, true, allowLookup ? null : "no_cache"), Apply(new NoCacheDirectivePolicy(), Context(directives: Directives(lookup, store: true))));

    [Theory]
    [InlineData(false, false, false, "no_store")]   // no-store wins over a failing store: not counted as a fault
    [InlineData(true, true, true, "storage_fault")]  // no-cache while the store fails: a bypass, counted as a fault
    [InlineData(true, false, true, "no_cache")]
    [InlineData(true, false, false, null)]
    public void The_first_refusal_in_order_names_the_reason(bool store, bool faulted, bool noCache, string? reason)
    {
        var context = CacheRequestPolicies.Evaluate(Context(directives: Directives(lookup: store && !noCache, store), storeFaulted: faulted));

        Assert.Equal(reason, context.Reason);
        Assert.Equal(reason is null or "no_cache", context.AllowStore);
    }

    private static (bool Lookup, bool Store, string? Reason) Verdict(bool lookup, bool store, string? reason) => (lookup, store, reason);

    private static (bool Lookup, bool Store, string? Reason) Apply(ICacheRequestPolicy rule, CacheRequestContext context)
    {
        rule.Apply(context);
        return (context.AllowLookup, context.AllowStore, context.Reason);
    }

    private static CacheDirectives Directives(bool lookup = true, bool store = true) => new(lookup, store, null, null, null);

    private static GatewayRequest Request(OpenAiEndpoint endpoint = OpenAiEndpoint.ChatCompletions, bool stream = false, bool hasBody = true, bool hasModel = true)
    {
        var route = new ModelRoute("m", []);
        return new GatewayRequest(endpoint, hasBody ? new JsonObject { ["model"] = "m" } : null, default, hasModel ? "m" : null, hasModel ? route : null, stream);
    }

    private static CacheRequestContext Context(GatewayRequest? request = null, TeamCacheOptions? team = null, CacheOptions? options = null,
        CacheDirectives? directives = null, bool storeFaulted = false) =>
        new(request ?? Request(), team, options ?? new CacheOptions(), directives ?? Directives(), storeFaulted);
}
