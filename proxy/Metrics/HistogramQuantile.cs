namespace LlmGateway.Metrics;

/// <summary>
/// Quantiles estimated from explicit buckets the way Prometheus' <c>histogram_quantile</c> does: linear
/// interpolation inside the bucket holding the rank, 0 as the lower edge of the first bucket, and the highest
/// finite bound when the rank falls in the +Inf bucket.
/// </summary>
internal static class HistogramQuantile
{
    /// <summary>Sums the per-bucket counts of several points with the same bounds.</summary>
    public static long[] Merge(IEnumerable<MetricsSnapshot.HistogramSample> samples, out double[] bounds)
    {
        bounds = [];
        long[]? total = null;
        foreach (var sample in samples)
        {
            if (total is null)
            {
                bounds = sample.Bounds;
                total = new long[sample.Counts.Length];
            }
            if (sample.Counts.Length != total.Length)
                continue;
            for (var i = 0; i < total.Length; i++)
                total[i] += sample.Counts[i];
        }
        return total ?? [];
    }

    /// <param name="q">0..1.</param>
    /// <param name="bounds">Upper bounds, ascending, the last being +Inf.</param>
    /// <param name="counts">Per-bucket (not cumulative) counts.</param>
    /// <returns>The estimate, or NaN when there are no observations.</returns>
    public static double Estimate(double q, ReadOnlySpan<double> bounds, ReadOnlySpan<long> counts)
    {
        if (bounds.Length == 0 || bounds.Length != counts.Length)
            return double.NaN;
        long total = 0;
        foreach (var c in counts)
            total += c;
        if (total == 0)
            return double.NaN;
        q = Math.Clamp(q, 0, 1);
        var rank = q * total;
        long cumulative = 0;
        for (var i = 0; i < counts.Length; i++)
        {
            var before = cumulative;
            cumulative += counts[i];
            if (cumulative < rank || counts[i] == 0)
                continue;
            if (double.IsPositiveInfinity(bounds[i]))
                return i == 0 ? double.NaN : bounds[i - 1];
            var lower = i == 0 ? Math.Min(0, bounds[0]) : bounds[i - 1];
            return lower + (bounds[i] - lower) * ((rank - before) / counts[i]);
        }
        return bounds.Length > 1 ? bounds[^2] : double.NaN;
    }
}
