using System.Net.Http.Headers;
using LlmGateway.Caching.Verified;
using LlmGateway.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace LlmGateway.Tests.Caching.Verified;

/// <summary>Questions, answers and helpers shared by the verified-cache tests.</summary>
internal static class VerifiedCacheHost
{
    public const string Question = "How do I reset my password?";
    public const string Paraphrase = "How do I reset my password please?";

    /// <summary>The fake upstream echoes the question; cut to its first six words every answer is the same.</summary>
    public static void SameAnswer(HttpRequestHeaders headers) => headers.Add("x-fake-answer-words", "6");

    /// <summary>δ for every team, candidates from a low cosine bar, exploration at any score, a seeded draw.</summary>
    public static Task<CacheTestHost> StartAsync(Action<Dictionary<string, string?>>? settings = null, string? storage = null) =>
        CacheTestHost.StartAsync(s =>
        {
            s["Gateway:Cache:Threshold"] = "0.5";
            s["Gateway:Cache:MaxErrorRate"] = "0.5";
            s["Gateway:Cache:ExploreFloor"] = "0";
            settings?.Invoke(s);
        }, Seeded, storage: storage);

    public static void Seeded(WebApplicationBuilder builder) => builder.Services.AddSingleton(new ExplorationRandom(18));

    public static ExplorationVerifier Verifier(this CacheTestHost host) => host.Gateway.App.Services.GetRequiredService<ExplorationVerifier>();

    /// <summary>Waits until the question's entry holds <paramref name="count"/> observations and no comparison is pending.</summary>
    public static async Task<HitEvidence.Observation[]> WaitForEvidenceAsync(this CacheTestHost host, int count, string question = Question)
    {
        var observations = await Eventually.ReadAsync(() => host.Cache.EvidenceFor(question), o => o.Length >= count);
        await Eventually.ReadAsync(() => host.Verifier().Pending, p => p == 0);
        return observations;
    }

    public static string? Reason(HttpResponseMessage response) =>
        response.Headers.TryGetValues("x-cache-reason", out var values) ? values.Single() : null;
}
