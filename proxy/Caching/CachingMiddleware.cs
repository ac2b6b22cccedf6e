using System.Globalization;
using LlmGateway.Auth;
using LlmGateway.Capture;
using LlmGateway.Gateway;
using LlmGateway.Routing;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy.Forwarder;

namespace LlmGateway.Caching;

/// <summary>
/// The proxy-pipeline step that answers from the cache (exact, then semantic) or, on a miss, lets the
/// request through and stores the captured answer when it may be stored. Sets <see cref="CacheFeature"/>
/// and <c>X-Cache: HIT|MISS|BYPASS</c>.
/// </summary>
internal sealed class CachingMiddleware(RequestDelegate next, SemanticCache cache, IOptions<CacheOptions> options, CacheMetrics metrics,
    ShadowSampler shadow, TimeProvider time, ILogger<CachingMiddleware> logger)
{
    public const string CacheHeader = "x-cache";

    public async Task InvokeAsync(HttpContext context)
    {
        var feature = new CacheFeature();
        context.Features.Set(feature);
        var request = context.Features.GetRequiredFeature<GatewayRequest>();
        var team = context.Features.GetRequiredFeature<TeamIdentity>();
        var settings = options.Value;

        var (directives, problem, header) = CacheDirectives.From(context.Request.Headers, settings.MaxTtl);
        if (directives is null)
        {
            await OpenAiError.WriteAsync(context, StatusCodes.Status400BadRequest, problem!, OpenAiError.InvalidRequest, header);
            return;
        }
        var scope = team.Options.Cache?.Scope is { Length: > 0 } shared ? "scope:" + shared : "team:" + team.Team;
        var queryHeader = team.Options.Cache?.AllowQueryHeader == false ? null : directives.QueryOverride;
        var key = settings.Enabled && team.Options.Cache?.Enabled != false && directives.Store && !(request.Stream && request.Endpoint == OpenAiEndpoint.Responses)
            ? CacheKeyBuilder.Build(request, scope, cache.EmbedderId, queryHeader)
            : null;
        if (key is null)
        {
            context.Response.Headers[CacheHeader] = "BYPASS";
            await next(context);
            return;
        }
        if (cache.Fault is not null)
        {
            // The store is failing: answer from the provider, neither look up nor store (both counted).
            metrics.LookupBypassed();
            metrics.NotStored("storage_fault");
            context.Response.Headers[CacheHeader] = "BYPASS";
            await next(context);
            return;
        }

        CacheLookup lookup = new(null, null, false);
        if (directives.Lookup)
        {
            var threshold = CacheThresholds.For(settings, team, key.Model, cache.EmbedderId, directives.MinThreshold);
            lookup = await cache.LookupAsync(key, threshold, settings.LookAlikeGuard, context.RequestAborted);
            if (lookup.Hit is { } hit)
            {
                await ServeHitAsync(context, request, feature, hit);
                if (hit.Tier == "semantic")
                    shadow.MaybeCheck(request, team.Team, context.Request.Path, hit.Entry);
                return;
            }
            metrics.Lookup(CacheResult.Miss, null, null);
        }

        feature.Result = CacheResult.Miss;
        context.Response.OnStarting(static response => { ((HttpResponse)response).Headers[CacheHeader] = "MISS"; return Task.CompletedTask; }, context.Response);
        // The answer is stored before the client has it all (exact tier only: embedding and indexing run in the
        // background), so a repeat sent right after it arrived is a hit.
        var stored = false;
        void StoreOnce(bool completed)
        {
            if (stored)
                return;
            stored = true;
            Store(context, request, key, directives, lookup, team, completed);
        }
        var original = context.Features.GetRequiredFeature<IHttpResponseBodyFeature>();
        // Before the last byte of an answer with a Content-Length: the provider's answer is whole when every byte came
        // (the capture step decides the same way once the forward returns: not cut short, no forward error, client there).
        context.Features.Set<IHttpResponseBodyFeature>(new StoreBeforeLastByteBody(original, context.Response,
            () => StoreOnce(context.Features.Get<CapturedResponse>() is { CutShort: false } && context.GetForwarderErrorFeature() is null && !context.RequestAborted.IsCancellationRequested)));
        try
        {
            await next(context);
        }
        finally
        {
            context.Features.Set(original);
        }
        StoreOnce(context.Features.Get<CapturedResponse>()?.Completed == true);
    }

    private async Task ServeHitAsync(HttpContext context, GatewayRequest request, CacheFeature feature, CacheHit hit)
    {
        feature.Result = CacheResult.Hit;
        feature.Tier = hit.Tier;
        feature.Similarity = hit.Similarity;
        feature.SavedUsage = hit.Entry.Usage;
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

    private void Store(HttpContext context, GatewayRequest request, CacheKey key, CacheDirectives directives, CacheLookup lookup, TeamIdentity team, bool completed)
    {
        if (context.Features.Get<UpstreamAttempt>() is { Index: > 0 })
        {
            // A fallback model answered: that answer is not the requested model's.
            metrics.NotStored("fallback");
            return;
        }
        var settings = options.Value;
        var capture = context.Features.GetRequiredFeature<CapturedResponse>();
        var answer = AnswerAssembler.TryAssemble(request.Endpoint, capture, settings, out var reason, completed);
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
            var ttl = directives.Ttl ?? team.Options.Cache?.Ttl ?? settings.Ttl;
            var stored = StoredAnswer(answer);
            var written = cache.Store(new CacheEntry
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
            }, team.Options.Cache?.MaxEntries);
            if (!written)
                metrics.NotStored("storage_fault");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            CacheLog.StoreFailed(logger, ex);
        }
    }
}
