using System.Diagnostics;

namespace LlmGateway.Bench.Embeddings;

/// <summary>Percentiles of a set of Stopwatch-tick samples, reported in microseconds.</summary>
internal sealed class LatencyStats
{
    private readonly double[] _micros;

    public LatencyStats(IEnumerable<long> ticks)
    {
        _micros = ticks.Select(t => t * 1_000_000.0 / Stopwatch.Frequency).Order().ToArray();
    }

    public double P50 => Percentile(0.50);

    public double P99 => Percentile(0.99);

    public double Mean => _micros.Length == 0 ? 0 : _micros.Average();

    public int Count => _micros.Length;

    private double Percentile(double p) => _micros.Length == 0 ? 0 : _micros[Math.Min(_micros.Length - 1, (int)Math.Ceiling(p * _micros.Length) - 1)];

    public override string ToString() => $"p50 {P50,9:F1} µs  p99 {P99,9:F1} µs  mean {Mean,9:F1} µs  (n={Count})";
}
