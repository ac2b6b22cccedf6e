using System.Globalization;

namespace LlmGateway.Bench.Compare;

/// <summary>
/// A miss row's background work: the gateway indexes stored answers off the request path, so a round's CPU per miss
/// counts that work only if the round waits for the index queue to empty; stores dropped because the queue was full
/// did no indexing at all and are reported beside the row.
/// </summary>
internal static class IndexBacklog
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>Waits (at most <paramref name="limit"/>) until the gateway at <paramref name="url"/> has indexed what it queued; returns its dropped-store count.</summary>
    public static async Task<long> DrainAsync(string url, TimeSpan limit)
    {
        var metrics = new Uri(new Uri(url), "/metrics");
        var until = DateTime.UtcNow + limit;
        while (true)
        {
            var text = await Http.GetStringAsync(metrics);
            if (Value(text, "llm_gateway_cache_index_queue") == 0 || DateTime.UtcNow > until)
                return (long)Value(text, "llm_gateway_cache_store_dropped_total");
            await Task.Delay(100);
        }
    }

    /// <summary>Sum of a metric's samples over its labels (0 when absent).</summary>
    private static double Value(string exposition, string name) =>
        exposition.Split('\n')
            .Where(line => line.StartsWith(name, StringComparison.Ordinal) && (line.Length == name.Length || line[name.Length] is '{' or ' '))
            .Sum(line => double.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture));
}
