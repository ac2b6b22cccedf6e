using System.Collections.Concurrent;
using LlmGateway.Bench.Common;

namespace LlmGateway.Bench.Gateway;

/// <summary>What a run of <see cref="LegitTraffic"/> got: counts by status ("200", "500", "timeout", ...) and latency.</summary>
internal sealed class LegitOutcome
{
    private readonly ConcurrentDictionary<string, int> _byStatus = new();

    public Percentiles LatencyMs { get; } = new();

    public int Ok => _byStatus.GetValueOrDefault("200");

    public int Failed => _byStatus.Where(s => s.Key != "200").Sum(s => s.Value);

    public int Total => Ok + Failed;

    /// <summary>The failures by status, e.g. "500 x3, timeout x1", or "-" when there were none.</summary>
    public string Failures =>
        Failed == 0 ? "-" : string.Join(", ", _byStatus.Where(s => s.Key != "200").OrderBy(s => s.Key).Select(s => $"{s.Key} x{s.Value}"));

    public void Add(string status, double milliseconds)
    {
        _byStatus.AddOrUpdate(status, 1, (_, n) => n + 1);
        LatencyMs.Add(milliseconds);
    }
}
