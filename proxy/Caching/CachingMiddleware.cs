using System.Globalization;
using LlmGateway.Caching.Policies;
using LlmGateway.Caching.Verified;
using LlmGateway.Capture;
using LlmGateway.Gateway;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy.Forwarder;

namespace LlmGateway.Caching;

/// <summary>
/// The proxy-pipeline step that answers from the cache (exact, then semantic) or, on a miss, lets the
/// request through and stores the captured answer when it may be stored. Sets the exchange's <see cref="CacheOutcome"/>
/// and <c>X-Cache: HIT|MISS|BYPASS</c>.
/// </summary>
internal sealed class CachingMiddleware(RequestDelegate next, SemanticCache cache, IOptions<CacheOptions> options, GatewayConfigStore config, CacheMetrics metrics,
    ShadowSampler shadow, TimeProvider time, ILogger<CachingMiddleware> logger, BoundMetrics boundMetrics, ExplorationVerifier verifier,
    Metrics.MetricLabels labels, Budgets.BudgetsConfigProvider budgets)
{
    public const string CacheHeader = "x-cache";

    /// <summary>Why the cache did not look up (BYPASS, or a MISS without lookup): the refusing rule's reason (<c>Policies/</c>).</summary>
    public const string ReasonHeader = "x-cache-reason";

    /// <summary>The MISS's reason when the error bound forwarded the request to verify a candidate (<c>Verified/</c>).</summary>
    public const string ExploreReason = "explore";

    public async Task InvokeAsync(HttpContext context)
    {
        var exchange = context.Features.GetRequiredFeature<ICachingExchange>();
        var request = exchange.Request;
        var team = exchange.Team;
        var settings = options.Value;
        // The team's own cache settings reload with the configuration; Gateway:Cache is read once at startup.
        var teamCache = config.Current.Cache.For(team.Team);

        var (directives, problem, header) = CacheDirectives.From(context.Request.Headers, settings.MaxTtl);
        if (directives is null)
        {
            await OpenAiError.WriteAsync(context, StatusCodes.Status400BadRequest, problem!, OpenAiError.InvalidRequest, header);
            return;
        }
        var scope = teamCache?.Scope is { Length: > 0 } shared ? "scope:" + shared : "team:" + team.Team;
        var queryHeader = teamCache?.AllowQueryHeader == false ? null : directives.QueryOverride;
        var policy = CacheRequestPolicies.Evaluate(new CacheRequestContext(request, teamCache, settings, directives, cache.Fault is not null));
        var key = policy.AllowStore ? CacheKeyBuilder.Build(request, scope, cache.EmbedderId, queryHeader) : null;
        if (key is null)
        {
            var reason = policy.Reason ?? CacheableEndpointPolicy.Reason;
            if (reason == StoreFaultPolicy.Reason)
            {
                // The store is failing: answer from the provider, neither look up nor store (both counted).
                metrics.LookupBypassed();
                metrics.NotStored(StoreFaultPolicy.Reason);
            }
            metrics.Bypassed(reason);
            exchange.SetCacheOutcome(CacheOutcome.Bypass);
            // On start, like MISS: a fallback clears the response, and a bypassed answer keeps saying so.
            exchange.HeadersOnStart[CacheHeader] = "BYPASS";
            exchange.HeadersOnStart[ReasonHeader] = reason;
            await next(context);
            return;
        }

        CacheLookup lookup = new(null, null, false);
        if (policy.AllowLookup)
        {
            var threshold = CacheThresholds.For(settings, teamCache, key.Model, cache.EmbedderId, directives.MinThreshold);
            var bound = MaxErrorRates.For(settings, teamCache, key.Model) is { } delta ? new BoundContext(delta, labels.Team(team.Team), labels.Model(key.Model)) : null;
            lookup = await cache.LookupAsync(key, threshold, settings.LookAlikeGuard, context.RequestAborted, bound);
            if (lookup.Hit is { } hit)
            {
                if (hit.Bound is { } served)
                    boundMetrics.BoundHit(served);
                exchange.SetCacheOutcome(CacheOutcome.Hit(hit));
                await ServeHitAsync(context, request, hit);
                if (hit.Tier == "semantic")
                    shadow.MaybeCheck(request, team.Team, context.Request.Path, hit.Entry);
                return;
            }
            metrics.Lookup(CacheResult.Miss, null, null);
        }

        exchange.SetCacheOutcome(CacheOutcome.Miss);
        // On start: a header set now would be lost to the failover step's Response.Clear() before a fallback.
        exchange.HeadersOnStart[CacheHeader] = "MISS";
        if (lookup.Exploration is not null)
            exchange.HeadersOnStart[ReasonHeader] = ExploreReason;
        else if (policy.Reason is { } skipped)
        {
            metrics.Bypassed(skipped);
            exchange.HeadersOnStart[ReasonHeader] = skipped;
        }
        // The answer is stored before the client has it all (exact tier only: embedding and indexing run in the
        // background), so a repeat sent right after it arrived is a hit.
        var stored = false;
        ValueTask StoreOnceAsync(bool completed)
        {
            if (stored)
                return ValueTask.CompletedTask;
            stored = true;
            return StoreAsync(exchange, request, key, directives, lookup, teamCache, completed);
        }
        var original = context.Features.GetRequiredFeature<IHttpResponseBodyFeature>();
        // Before the last byte of an answer with a Content-Length: the provider's answer is whole when every byte came
        // (the capture step decides the same way once the forward returns: not cut short, no forward error, client there).
        context.Features.Set<IHttpResponseBodyFeature>(new StoreBeforeLastByteBody(original, context.Response,
            () => StoreOnceAsync(exchange.Capture is { CutShort: false } && context.GetForwarderErrorFeature() is null && !context.RequestAborted.IsCancellationRequested)));
        try
        {
            await next(context);
        }
        finally
        {
            context.Features.Set(original);
        }
        await StoreOnceAsync(exchange.Capture?.Completed == true);
    }

    /// <summary>Waits for the cache's writer without holding a thread (<see cref="SemanticCache.StoreAsync"/>).</summary>
    private async ValueTask StoreEntryAsync(CacheEntry entry, TeamCacheOptions? teamCache, CacheLookup lookup)
    {
        if (!await cache.StoreAsync(entry, teamCache?.MaxEntries, lookup.Neighbours))
            metrics.NotStored("storage_fault");
    }

    /// <summary>An explored request is a real upstream call (budgets charge it as usual); its cost is also counted as the bound's.</summary>
    private void ExplorationCost(BoundContext bound, IGatewayExchange exchange, TokenUsage usage)
    {
        if (exchange.Attempt?.Target is { } target && budgets.Current.Prices.Find(target) is { } price)
            boundMetrics.ExplorationCost(bound, (double)price.Cost(usage));
    }

    private async Task ServeHitAsync(HttpContext context, GatewayRequest request, CacheHit hit)
    {
        metrics.Lookup(CacheResult.Hit, hit.Tier, hit.Similarity);
        var now = time.GetUtcNow();
        var age = Math.Max(0, (now.ToUnixTimeMilliseconds() - hit.Entry.CreatedUnixMs) / 1000);
        var headers = context.Response.Headers;
        headers[CacheHeader] = "HIT";
        headers["x-cache-tier"] = hit.Tier;
        headers["x-cache-similarity"] = hit.Similarity.ToString("0.0000", CultureInfo.InvariantCulture);
        headers["x-cache-age"] = age.ToString(CultureInfo.InvariantCulture);
        headers.Age = age.ToString(CultureInfo.InvariantCulture);
        await AnswerReplayer.WriteAsync(context, request, hit.Entry, now.ToUnixTimeSeconds());
    }

    private static byte[] StoredAnswer(System.Text.Json.Nodes.JsonObject answer)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(1024);
        using (var writer = new System.Text.Json.Utf8JsonWriter(buffer, AnswerReplayer.Relaxed))
            answer.WriteTo(writer);
        return buffer.WrittenSpan.ToArray();
    }

    private async ValueTask StoreAsync(IGatewayExchange exchange, GatewayRequest request, CacheKey key, CacheDirectives directives, CacheLookup lookup, TeamCacheOptions? teamCache, bool completed)
    {
        var settings = options.Value;
        // Every miss goes through the capture step, right after this one.
        var capture = exchange.Capture ?? throw new InvalidOperationException("A cache miss was not captured.");
        var answer = CacheStorePolicies.Decide(new CacheStoreContext(request.Endpoint, exchange.Attempt, capture, settings, completed), out var reason);
        if (answer is null)
        {
            metrics.NotStored(reason);
            return;
        }
        try
        {
            // The lookup's query vector when it computed one; otherwise the cache embeds the question in the background.
            var vector = lookup.QueryVector;
            var now = time.GetUtcNow().ToUnixTimeMilliseconds();
            var ttl = directives.Ttl ?? teamCache?.Ttl ?? settings.Ttl;
            var stored = StoredAnswer(answer);
            var entry = new CacheEntry
            {
                ExactKey = key.Exact,
                PartitionKey = key.Partition,
                Scope = key.Scope,
                Model = key.Model,
                Endpoint = request.Endpoint,
                EmbedderId = vector is { Length: > 0 } ? cache.EmbedderId : "",
                QueryText = key.QueryText,
                Vector = vector ?? [],
                CreatedUnixMs = now,
                ExpiresUnixMs = now + (long)ttl.TotalMilliseconds,
                Usage = Budgets.Usage.UsageParser.FromJson(stored) ?? TokenUsage.None,
                Answer = stored,
            };
            if (lookup.Exploration is { } exploration)
            {
                // Verified first: stored only if it differs from the candidate's (which otherwise already answers it).
                ExplorationCost(exploration.Bound, exchange, entry.Usage);
                verifier.Enqueue(exploration, stored, () => StoreEntryAsync(entry, teamCache, lookup));
                return;
            }
            await StoreEntryAsync(entry, teamCache, lookup);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            CacheLog.StoreFailed(logger, ex);
        }
    }
}
