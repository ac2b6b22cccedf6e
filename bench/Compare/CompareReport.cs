using System.Globalization;
using System.Text;
using System.Text.Json;

namespace LlmGateway.Bench.Compare;

/// <summary>The figures of a compare run, per system over all rounds, with ratios within each group.</summary>
internal sealed record CompareReport(int Rounds, int Seconds, int Connections, IReadOnlyList<CompareRow> Rows)
{
    public static CompareReport From(Dictionary<CompareSystem, List<Measured>> results, int rounds, int seconds, int connections)
    {
        static double Median(IEnumerable<double> values)
        {
            var sorted = values.Order().ToArray();
            return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
        }
        var rows = new List<CompareRow>();
        foreach (var (system, runs) in results)
        {
            var requests = runs.Sum(r => r.Wrk.Requests);
            rows.Add(new CompareRow(system.Name, system.Group, system.Connections > 0 ? system.Connections : connections,
                requests / runs.Sum(r => r.Wrk.Seconds),
                Median(runs.Select(r => r.Wrk.P50)), Median(runs.Select(r => r.Wrk.P90)), Median(runs.Select(r => r.Wrk.P99)),
                runs.Sum(r => r.Cpu.TotalMicroseconds) / Math.Max(1, requests),
                runs.Sum(r => r.Wrk.Errors), system.IsDirect, system.IsNginx, system.IsPeer,
                system.CountHits ? runs.Sum(r => r.Wrk.Hits) / (double)Math.Max(1, requests) : null)
            {
                // Request-weighted means over the rounds, as the metric's sum ÷ count is.
                Mean = runs.Sum(r => r.Wrk.Mean * r.Wrk.Requests) / Math.Max(1, requests),
                OverheadMean = system.ReadsOverhead && runs.Sum(r => r.Overhead!.Value.Count) is > 0 and var count
                    ? runs.Sum(r => r.Overhead!.Value.Seconds) * 1000 / count
                    : null,
            });
        }
        return new CompareReport(rounds, seconds, connections, rows);
    }

    private CompareRow? Direct(CompareRow row) => Rows.FirstOrDefault(r => r.Group == row.Group && r.IsDirect);

    private CompareRow? Nginx(CompareRow row) => Rows.FirstOrDefault(r => r.Group == row.Group && r.IsNginx);

    private CompareRow? Peer(CompareRow row) => Rows.FirstOrDefault(r => r.Group == row.Group && r.IsPeer);

    public string Markdown()
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"{Rounds} interleaved rounds × {Seconds} s per system, wrk on loopback; latencies are medians of the rounds' percentiles; CPU is the server process's (nginx: master + worker) user + system time from /proc over all rounds ÷ requests answered. Ratios are within a group. With one connection, 1000 ÷ req/s is the whole round trip of a request, connect included (wrk's own latency starts after the connect).");
        if (Rows.Any(r => r.HitRatio is not null))
            text.AppendLine("The realistic mix replays 20,000 bodies drawn ahead of time from 2,000 QQP duplicate pairs (../shared/data): question rank Zipf-distributed (s = 1), half asked in the pair's other wording, 30 % streaming; hits are answers with `x-cache: HIT` (exact or semantic), on a cache that the warm-up and earlier rounds have filled.");
        text.AppendLine();
        text.AppendLine("| system | conns | req/s | p50 ms | p90 ms | p99 ms | added p50 ms | ms/req incl. connect | CPU µs/req | CPU ÷ nginx proxy | CPU ÷ Portkey | errors |");
        text.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var row in Rows)
        {
            var direct = Direct(row);
            var added = direct is null || row.IsDirect ? "-" : F(row.P50 - direct.P50, "0.000");
            var nginx = Nginx(row) is { } n && !row.IsNginx ? F(row.CpuMicros / n.CpuMicros, "0.00") + "×" : "-";
            var peer = Peer(row) is { } p && !row.IsPeer ? F(row.CpuMicros / p.CpuMicros, "0.000") + "×" : "-";
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {row.Name}{(row.HitRatio is { } h ? $" ({F(h * 100, "0")} % hits)" : "")} | {row.Connections} | {row.RequestsPerSecond:0} | {row.P50:0.000} | {row.P90:0.000} | {row.P99:0.000} | {added} | {(row.Connections == 1 ? F(1000 / row.RequestsPerSecond, "0.000") : "-")} | {row.CpuMicros:0.0} | {nginx} | {peer} | {row.Errors} |");
        }
        AppendOverhead(text);
        return text.ToString();
    }

    /// <summary>
    /// The gateway's own account of its overhead (<c>llm_gateway_overhead_seconds</c>: request duration minus the
    /// provider's time) beside the latency it adds as the client sees it (mean minus the direct row's mean).
    /// </summary>
    private void AppendOverhead(StringBuilder text)
    {
        var rows = Rows.Where(r => r.OverheadMean is not null && Direct(r) is not null).ToList();
        if (rows.Count == 0)
            return;
        text.AppendLine();
        text.AppendLine("| gateway row | conns | added mean ms (client: mean − direct's mean) | llm_gateway_overhead_seconds mean ms | metric ÷ added |");
        text.AppendLine("|---|---|---|---|---|");
        foreach (var row in rows)
        {
            var added = row.Mean - Direct(row)!.Mean;
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {row.Name} | {row.Connections} | {added:0.000} | {row.OverheadMean:0.000} | {F(row.OverheadMean!.Value / added, "0.00")} |");
        }
    }

    public string Json() => JsonSerializer.Serialize(this, new JsonSerializerOptions { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase });

    private static string F(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);
}

/// <summary>One system's figures over all rounds; latencies in milliseconds.</summary>
internal sealed record CompareRow(string Name, string Group, int Connections, double RequestsPerSecond, double P50, double P90, double P99, double CpuMicros,
    long Errors, bool IsDirect, bool IsNginx, bool IsPeer, double? HitRatio = null)
{
    /// <summary>Mean latency, ms.</summary>
    public double Mean { get; init; }

    /// <summary>Mean of the gateway's <c>llm_gateway_overhead_seconds</c> over the row's requests, ms (rows that read it).</summary>
    public double? OverheadMean { get; init; }
}
