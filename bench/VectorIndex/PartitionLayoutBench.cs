using System.Diagnostics;
using LlmGateway.VectorIndex;

namespace LlmGateway.Bench.VectorIndex;

/// <summary>
/// The partition design question: one graph over every partition searched with a filter, or one
/// graph per partition. Same vectors, same queries, same efSearch, exact per-partition truth.
/// </summary>
internal static class PartitionLayoutBench
{
    private const int K = 10;

    public static void Run(VectorIndexBenchOptions options)
    {
        var dim = options.Dimension;
        var size = Math.Min(options.Sizes.Min(), 50_000);
        Console.WriteLine();
        Console.WriteLine($"## partition layout: {size:N0} vectors, partition = id % P");
        var data = BenchData.Generate(options.Data, size, dim, seed: 11);
        var queries = BenchData.Generate(options.Data, Math.Min(options.Queries, 200), dim, seed: 12);
        var queryCount = queries.Length / dim;
        Console.WriteLine("| partitions | layout | build s | p50 ms | p99 ms | recall@10 |");
        Console.WriteLine("|---|---|---|---|---|---|");
        foreach (var partitions in new[] { 2, 10, 50 })
        {
            var partitionOf = (long id) => (int)(id % partitions);
            var perPartitionIds = Enumerable.Range(0, partitions).Select(p => Enumerable.Range(0, size).Where(i => i % partitions == p).Select(i => (long)i).ToArray()).ToArray();
            var truth = new VectorMatch[queryCount][];
            var target = new int[queryCount];
            for (var q = 0; q < queryCount; q++)
            {
                target[q] = q % partitions;
                var ids = perPartitionIds[target[q]];
                var rows = new float[ids.Length * dim];
                for (var i = 0; i < ids.Length; i++)
                {
                    data.AsSpan((int)ids[i] * dim, dim).CopyTo(rows.AsSpan(i * dim));
                }

                truth[q] = new VectorMatch[K];
                FlatScan.Search(queries.AsSpan(q * dim, dim), rows, ids, default, dim, truth[q]);
            }

            // A: one graph, filtered.
            var sw = Stopwatch.StartNew();
            var single = new HnswIndex(dim, options.M, options.EfConstruction, 64, 42, size);
            Parallel.For(0, size, new ParallelOptions { MaxDegreeOfParallelism = options.Threads }, i => single.Insert(i, data.AsSpan(i * dim, dim)));
            var buildSingle = sw.Elapsed.TotalSeconds;
            var (p50a, p99a, r10a) = Measure(queries, dim, truth, q => (single, id => partitionOf(id) == target[q]));

            // B: one graph per partition.
            sw.Restart();
            var graphs = perPartitionIds.Select(ids => new HnswIndex(dim, options.M, options.EfConstruction, 64, 42, ids.Length)).ToArray();
            Parallel.For(0, size, new ParallelOptions { MaxDegreeOfParallelism = options.Threads }, i => graphs[partitionOf(i)].Insert(i, data.AsSpan(i * dim, dim)));
            var buildPer = sw.Elapsed.TotalSeconds;
            var (p50b, p99b, r10b) = Measure(queries, dim, truth, q => (graphs[target[q]], null));

            Console.WriteLine($"| {partitions} | one graph + filter | {buildSingle:F1} | {p50a:F3} | {p99a:F3} | {r10a:F3} |");
            Console.WriteLine($"| {partitions} | graph per partition | {buildPer:F1} | {p50b:F3} | {p99b:F3} | {r10b:F3} |");
        }
    }

    private static (double P50, double P99, double RecallAt10) Measure(float[] queries, int dim, VectorMatch[][] truth, Func<int, (HnswIndex Index, Func<long, bool>? Filter)> pick)
    {
        var ms = new double[truth.Length];
        double recall = 0;
        for (var q = 0; q < truth.Length; q++)
        {
            var (index, filter) = pick(q);
            var start = Stopwatch.GetTimestamp();
            var found = index.Search(queries.AsSpan(q * dim, dim), K, 64, filter);
            ms[q] = Percentiles.Ms(Stopwatch.GetTimestamp() - start);
            var exact = truth[q].Select(x => x.Id).ToHashSet();
            recall += found.Count(x => exact.Contains(x.Id)) / (double)K;
        }

        Array.Sort(ms);
        return (Percentiles.Of(ms, 50), Percentiles.Of(ms, 99), recall / truth.Length);
    }
}
