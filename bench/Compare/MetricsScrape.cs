using System.Globalization;

namespace LlmGateway.Bench.Compare;

/// <summary>Reads a gateway's <c>/metrics</c> (Prometheus text) during a compare run.</summary>
internal static class MetricsScrape
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>The exposition of the gateway that serves <paramref name="url"/>.</summary>
    public static Task<string> ReadAsync(string url) => Http.GetStringAsync(new Uri(new Uri(url), "/metrics"));

    /// <summary>
    /// <c>llm_gateway_overhead_seconds</c> so far, summed over its labels: its histogram's sum and count, so the
    /// difference of two readings gives the mean the gateway reported for the requests in between.
    /// </summary>
    public static async Task<(double Seconds, double Count)> OverheadAsync(string url)
    {
        var text = await ReadAsync(url);
        return (Value(text, "llm_gateway_overhead_seconds_sum"), Value(text, "llm_gateway_overhead_seconds_count"));
    }

    /// <summary>Sum of a metric's samples over its labels (0 when absent).</summary>
    public static double Value(string exposition, string name) =>
        exposition.Split('\n')
            .Where(line => line.StartsWith(name, StringComparison.Ordinal) && (line.Length == name.Length || line[name.Length] is '{' or ' '))
            .Sum(line => double.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture));
}
