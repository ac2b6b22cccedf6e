using System.Diagnostics;
using LlmGateway.VectorIndex;

namespace LlmGateway.Bench.VectorIndex;

/// <summary>
/// The partition design question, measured on the same vectors and queries with exact
/// per-partition truth: (A) one graph over all partitions searched with a partition filter,
/// (B) one graph per partition, (C) an exact flat scan of the partition. Sweeping the partition
/// size also shows where the flat scan stops being cheaper than a graph (FlatScanBelow).
/// </summary>
internal static class PartitionLayoutBench
{
    private const int K = 10;
    private const int Ef = 64;

    public static void Run(VectorIndexBenchOptions options)
    {
        var dim = options.Dimension;
        var size = options.PartitionBenchSize;
        Console.WriteLine();
        Console.WriteLine($"## partition layout: {size:N0} {options.Data} vectors in P partitions (partition = id % P), efSearch {Ef}, k {K}");
        var data = BenchData.Generate(options.Data, size, dim, seed: 11);
        var queries = BenchData.Generate(options.Data, Math.Min(options.Queries, 200), dim, seed: 12);
        var queryCount = queries.Length / dim;
        var sw = Stopwatch.StartNew();
        var single = new HnswIndex(dim, options.M, options.EfConstruction, Ef, 42, size);
        Parallel.For(0, size, new ParallelOptions { MaxDegreeOfParallelism = options.Threads }, i => single.Insert(i, data.AsSpan(i * dim, dim)));
        var buildSingle = sw.Elapsed.TotalSeconds;
        Console.WriteLine($"one graph over all {size:N0}: built in {buildSingle:F1} s, {single.MemoryBytes() / (double)size:F0} B/vector");
        Console.WriteLine();
        Console.WriteLine("| partitions | vectors per partition | layout | build s | p50 ms | p99 ms | recall@10 |");
        Console.WriteLine("|---|---|---|---|---|---|---|");
        foreach (var partitions in new[] { 5, 20, 80 })
        {
            var rowsOf = new float[partitions][];
            var idsOf = new long[partitions][];
            for (var p = 0; p < partitions; p++)
            {
                idsOf[p] = Enumerable.Range(0, size).Where(i => i % partitions == p).Select(i => (long)i).ToArray();
                rowsOf[p] = new float[idsOf[p].Length * dim];
                for (var i = 0; i < idsOf[p].Length; i++)
                {
                    data.AsSpan((int)idsOf[p][i] * dim, dim).CopyTo(rowsOf[p].AsSpan(i * dim));
                }
            }

            var truth = new VectorMatch[queryCount][];
            for (var q = 0; q < queryCount; q++)
            {
                truth[q] = new VectorMatch[K];
                FlatScan.Search(queries.AsSpan(q * dim, dim), rowsOf[q % partitions], idsOf[q % partitions], default, dim, truth[q]);
            }

            sw.Restart();
            var graphs = idsOf.Select(ids => new HnswIndex(dim, options.M, options.EfConstruction, Ef, 42, ids.Length)).ToArray();
            Parallel.For(0, size, new ParallelOptions { MaxDegreeOfParallelism = options.Threads }, i => graphs[i % partitions].Insert(i, data.AsSpan(i * dim, dim)));
            var buildPer = sw.Elapsed.TotalSeconds;

            var filtered = Measure(queries, dim, truth, (q, query, buffer) => single.Search(query, buffer, Ef, id => id % partitions == q % partitions));
            var perPartition = Measure(queries, dim, truth, (q, query, buffer) => graphs[q % partitions].Search(query, buffer, Ef));
            var flat = Measure(queries, dim, truth, (q, query, buffer) => FlatScan.Search(query, rowsOf[q % partitions], idsOf[q % partitions], default, dim, buffer));
            var per = size / partitions;
            Console.WriteLine($"| {partitions} | {per:N0} | one graph + filter | {buildSingle:F1} | {filtered.P50:F3} | {filtered.P99:F3} | {filtered.Recall:F3} |");
            Console.WriteLine($"| {partitions} | {per:N0} | graph per partition | {buildPer:F1} | {perPartition.P50:F3} | {perPartition.P99:F3} | {perPartition.Recall:F3} |");
            Console.WriteLine($"| {partitions} | {per:N0} | flat SIMD scan | 0 | {flat.P50:F3} | {flat.P99:F3} | {flat.Recall:F3} |");
        }
    }

    private delegate int SearchOne(int queryIndex, ReadOnlySpan<float> query, Span<VectorMatch> destination);

    private static (double P50, double P99, double Recall) Measure(float[] queries, int dim, VectorMatch[][] truth, SearchOne search)
    {
        var buffer = new VectorMatch[K];
        for (var q = 0; q < Math.Min(20, truth.Length); q++)
        {
            search(q, queries.AsSpan(q * dim, dim), buffer);
        }

        var ms = new double[truth.Length];
        double recall = 0;
        for (var q = 0; q < truth.Length; q++)
        {
            var start = Stopwatch.GetTimestamp();
            var found = search(q, queries.AsSpan(q * dim, dim), buffer);
            ms[q] = Percentiles.Ms(Stopwatch.GetTimestamp() - start);
            var exact = truth[q].Select(x => x.Id).ToHashSet();
            recall += buffer.Take(found).Count(x => exact.Contains(x.Id)) / (double)K;
        }

        Array.Sort(ms);
        return (Percentiles.Of(ms, 50), Percentiles.Of(ms, 99), recall / truth.Length);
    }
}
