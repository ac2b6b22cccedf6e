namespace LlmGateway.Bench.VectorIndex;

internal static class Percentiles
{
    /// <summary>The p-th percentile (0..100) of timings in milliseconds.</summary>
    public static double Of(double[] sortedMs, double p) =>
        sortedMs.Length == 0 ? double.NaN : sortedMs[Math.Min(sortedMs.Length - 1, (int)Math.Ceiling(p / 100 * sortedMs.Length) - 1)];

    public static double Ms(long ticks) => ticks * 1000.0 / System.Diagnostics.Stopwatch.Frequency;
}
