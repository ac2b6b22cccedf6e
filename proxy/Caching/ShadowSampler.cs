using System.Text.Json.Nodes;
using LlmGateway.Gateway;
using LlmGateway.Metrics;
using LlmGateway.Routing;
using Microsoft.Extensions.Options;

namespace LlmGateway.Caching;

/// <summary>
/// For a configured fraction of semantic hits, asks the provider too (in the background, after the client
/// has its cached answer) and records whether the two answers agree — a cheap word-overlap check — so
/// operators can estimate the false-hit rate per team and model on their own traffic:
/// <c>rate(llm_gateway_cache_shadow_checks_total{agreed="false"}) / rate(llm_gateway_cache_shadow_checks_total)</c>.
/// Off by default (<see cref="CacheOptions.ShadowSampleRate"/>). Costs one provider call per sampled hit.
/// </summary>
internal sealed class ShadowSampler(IOptions<CacheOptions> options, CacheMetrics metrics, MetricLabels labels, IHttpClientFactory clients, ILogger<ShadowSampler> logger)
{
    /// <summary>Answers whose words overlap at least this much (Jaccard) count as agreeing.</summary>
    public const double AgreementThreshold = 0.5;

    public const string ClientName = "cache-shadow";

    /// <summary>The provider client: no retries (a lost sample costs nothing), a generous timeout, no request log (it prints provider URLs).</summary>
    public static void AddClient(IServiceCollection services) =>
        services.AddHttpClient(ClientName).ConfigureHttpClient(http => http.Timeout = TimeSpan.FromMinutes(2)).RemoveAllLoggers();

    public void MaybeCheck(GatewayRequest request, string team, string path, CacheEntry hit)
    {
        var rate = options.Value.ShadowSampleRate;
        if (rate <= 0 || request.Model is null || Random.Shared.NextDouble() >= rate)
            return;
        var body = (JsonObject)request.Body!.DeepClone();
        body["stream"] = false;
        body.Remove("stream_options");
        var target = request.Model.Primary;
        body["model"] = target.UpstreamModel;
        _ = Task.Run(() => CheckAsync(target, path, System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(body), hit, labels.Team(team), labels.Model(request.Model.Name)));
    }

    private async Task CheckAsync(UpstreamTarget target, string path, byte[] body, CacheEntry hit, string team, string model)
    {
        try
        {
            using var request = ProviderRequests.Create(target, path, body);
            using var response = await clients.CreateClient(ClientName).SendAsync(request);
            if (!response.IsSuccessStatusCode)
                return;
            var fresh = JsonNode.Parse(await response.Content.ReadAsByteArrayAsync()) as JsonObject;
            var cached = JsonNode.Parse(hit.Answer) as JsonObject;
            metrics.ShadowCheck(team, model, Agree(AnswerText(cached), AnswerText(fresh)));
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or System.Text.Json.JsonException)
        {
            CacheLog.ShadowCheckFailed(logger, ex.GetType().Name);
        }
    }

    internal static string AnswerText(JsonObject? answer) =>
        answer?["choices"]?[0]?["message"]?["content"]?.ToString() ?? answer?["choices"]?[0]?["text"]?.ToString() ?? "";

    internal static bool Agree(string a, string b)
    {
        var x = Words(a);
        var y = Words(b);
        if (x.Count == 0 && y.Count == 0) return true;
        var shared = x.Count(y.Contains);
        return shared / (double)(x.Count + y.Count - shared) >= AgreementThreshold;
    }

    private static HashSet<string> Words(string text) =>
        text.ToLowerInvariant().Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Select(w => w.Trim('.', ',', '!', '?', ';', ':', '"', '\'')).Where(w => w.Length > 0).ToHashSet();
}
