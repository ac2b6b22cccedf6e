namespace LlmGateway.Bench.Compare;

/// <summary>
/// A miss row's background work: the gateway indexes stored answers off the request path, so a round's CPU per miss
/// counts that work only if the round waits for the index queue to empty; stores dropped because the queue was full
/// did no indexing at all and are reported beside the row.
/// </summary>
internal static class IndexBacklog
{
    /// <summary>Waits (at most <paramref name="limit"/>) until the gateway at <paramref name="url"/> has indexed what it queued; returns its dropped-store count.</summary>
    public static async Task<long> DrainAsync(string url, TimeSpan limit)
    {
        var until = DateTime.UtcNow + limit;
        while (true)
        {
            var text = await MetricsScrape.ReadAsync(url);
            if (MetricsScrape.Value(text, "llm_gateway_cache_index_queue") == 0 || DateTime.UtcNow > until)
                return (long)MetricsScrape.Value(text, "llm_gateway_cache_store_dropped_total");
            await Task.Delay(100);
        }
    }
}
