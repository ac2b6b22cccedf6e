namespace LlmGateway.Caching;

/// <summary><c>/admin/cache</c>: statistics and purge (by team, model, partition or all).</summary>
internal static class CacheAdminEndpoints
{
    public static void Map(RouteGroupBuilder admin)
    {
        admin.MapGet("/cache/stats", (SemanticCache cache) =>
        {
            var entries = cache.Entries.ToList();
            return Results.Json(new
            {
                entries = entries.Count,
                bytes = cache.Bytes,
                embedder = cache.EmbedderId,
                scopes = entries.GroupBy(e => e.Scope).ToDictionary(g => g.Key, g => g.Count()),
                models = entries.GroupBy(e => e.Model).ToDictionary(g => g.Key, g => g.Count()),
                hits = entries.Sum(e => (long)e.HitCount),
            });
        });
        admin.MapPost("/cache/purge", (SemanticCache cache, string? team, string? scope, string? model, string? partition, string? all) =>
        {
            if (team is null && scope is null && model is null && partition is null && all != "true")
                return Gateway.OpenAiError.Result(StatusCodes.Status400BadRequest, "Say what to purge: team, scope, model, partition or all=true.", Gateway.OpenAiError.InvalidRequest);
            var purged = cache.Purge(e =>
                (team is null || e.Scope == "team:" + team)
                && (scope is null || e.Scope == "scope:" + scope)
                && (model is null || string.Equals(e.Model, model, StringComparison.OrdinalIgnoreCase))
                && (partition is null || Convert.ToHexStringLower(e.PartitionKey).StartsWith(partition, StringComparison.OrdinalIgnoreCase)));
            return Results.Json(new { purged });
        });
    }
}
