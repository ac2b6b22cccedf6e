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

    public static VectorIndexBenchOptions Parse(string[] args)
    {
        var options = new VectorIndexBenchOptions();
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            static int[] Ints(string s) => s.Split(',').Select(x => int.Parse(x.Replace("_", ""), System.Globalization.CultureInfo.InvariantCulture)).ToArray();
            options = args[i] switch
            {
                "--sizes" => options with { Sizes = Ints(Next()) },
                "--dim" => options with { Dimension = Ints(Next())[0] },
                "--m" => options with { M = Ints(Next())[0] },
                "--efc" => options with { EfConstruction = Ints(Next())[0] },
                "--ef" => options with { EfSearch = Ints(Next()) },
                "--queries" => options with { Queries = Ints(Next())[0] },
                "--data" => options with { Data = Next() },
                "--threads" => options with { Threads = Ints(Next())[0] },
                "--snapshot-dir" => options with { SnapshotDirectory = Next() },
                "--partitions" => options with { ComparePartitions = true, PartitionBenchSize = Ints(Next())[0] },
                "--checksums" => options with { Checksums = true },
                "--keep-snapshot" => options with { KeepSnapshotDirectory = Next() },
                "--skip-snapshot" => options with { SkipSnapshot = true },
                "--load-only" => options with { LoadOnly = Next() },
                _ => throw new ArgumentException($"unknown argument {args[i]}; see bench/VectorIndex/VectorIndexBench.cs"),
            };
        }

        return options;
    }
}
