using System.CommandLine;
using LlmGateway.Bench.Common;

namespace LlmGateway.Bench.VectorIndex;

/// <summary>Command-line settings of <see cref="VectorIndexBench"/>.</summary>
internal sealed record VectorIndexBenchOptions
{
    public int[] Sizes { get; init; } = [100_000];
    public int Dimension { get; init; } = 384;
    public int M { get; init; } = 16;
    public int EfConstruction { get; init; } = 200;
    public int[] EfSearch { get; init; } = [32, 64, 128];
    public int Queries { get; init; } = 500;
    public string Data { get; init; } = "clustered";
    public int Threads { get; init; } = Environment.ProcessorCount;
    public string SnapshotDirectory { get; init; } = Path.GetTempPath();
    public bool ComparePartitions { get; init; }
    public int PartitionBenchSize { get; init; } = 40_000;
    public bool Checksums { get; init; }

    /// <summary>When set, the built graph is kept here and a later run with the same parameters loads it instead of rebuilding.</summary>
    public string? KeepSnapshotDirectory { get; init; }

    /// <summary>Only load this snapshot in this (fresh) process and report the time: what a restart costs.</summary>
    public string? LoadOnly { get; init; }

    /// <summary>Skip the snapshot save/load figures (to iterate on search settings faster).</summary>
    public bool SkipSnapshot { get; init; }

    /// <summary>The <c>vectorindex</c> scenario: these settings from the command line, run by <see cref="VectorIndexBench"/>.</summary>
    public static Command Command()
    {
        var defaults = new VectorIndexBenchOptions();
        var sizes = BenchArgs.Integers("--sizes", defaults.Sizes, "Index sizes; 0 skips the main table (to run only --partitions or --checksums).");
        var dimension = BenchArgs.With("--dim", defaults.Dimension, "Vector dimension.");
        var m = BenchArgs.With("--m", defaults.M, "HNSW M.");
        var efConstruction = BenchArgs.With("--efc", defaults.EfConstruction, "HNSW efConstruction.");
        var efSearch = BenchArgs.Integers("--ef", defaults.EfSearch, "efSearch values measured.");
        var queries = BenchArgs.With("--queries", defaults.Queries, "Queries per measurement.");
        var data = BenchArgs.With("--data", defaults.Data, "Synthetic data.").AcceptOnlyFromAmong("clustered", "uniform");
        var threads = BenchArgs.With("--threads", defaults.Threads, "Build threads.");
        var snapshotDirectory = BenchArgs.With("--snapshot-dir", defaults.SnapshotDirectory, "Where the snapshot save/load figures write.");
        var partitions = new Option<int?>("--partitions") { Description = "Also compare partition layouts with this many vectors." };
        var checksums = new Option<bool>("--checksums") { Description = "Also measure CRC-32C vs SHA-256 throughput." };
        var keepSnapshot = new Option<string>("--keep-snapshot") { Description = "Keep each built graph in this folder and load it on a later run with the same parameters." };
        var skipSnapshot = new Option<bool>("--skip-snapshot") { Description = "Leave out the snapshot save/load figures." };
        var loadOnly = new Option<string>("--load-only") { Description = "Only load this snapshot in this fresh process and report the time (a restart)." };
        var command = new Command("vectorindex", "HNSW build/search/recall/memory vs brute force; snapshot save/load.")
        {
            sizes, dimension, m, efConstruction, efSearch, queries, data, threads, snapshotDirectory, partitions, checksums, keepSnapshot, skipSnapshot, loadOnly,
        };
        command.SetAction(p => VectorIndexBench.Run(new VectorIndexBenchOptions
        {
            Sizes = p.GetValue(sizes)!,
            Dimension = p.GetValue(dimension),
            M = p.GetValue(m),
            EfConstruction = p.GetValue(efConstruction),
            EfSearch = p.GetValue(efSearch)!,
            Queries = p.GetValue(queries),
            Data = p.GetValue(data)!,
            Threads = p.GetValue(threads),
            SnapshotDirectory = p.GetValue(snapshotDirectory)!,
            ComparePartitions = p.GetValue(partitions) is not null,
            PartitionBenchSize = p.GetValue(partitions) ?? defaults.PartitionBenchSize,
            Checksums = p.GetValue(checksums),
            KeepSnapshotDirectory = p.GetValue(keepSnapshot),
            SkipSnapshot = p.GetValue(skipSnapshot),
            LoadOnly = p.GetValue(loadOnly),
        }));
        return command;
    }
}
