using System.Diagnostics;
using LlmGateway.VectorIndex;

namespace LlmGateway.Bench.VectorIndex;

/// <summary>
/// HNSW benchmark: build time per vector, single-thread search p50/p99 (k=10), recall@1/@10 and
/// bytes per vector, next to an exact SIMD scan measured in the same run; snapshot save/load.
/// Options: <c>vectorindex --help</c> (<see cref="VectorIndexBenchOptions.Command"/>). --keep-snapshot keeps each
/// built graph and loads it on a later run with the same data and parameters, so search changes can be measured
/// at 1M without a 7-minute rebuild (the build line then says the graph was loaded, not built).
/// </summary>
internal static class VectorIndexBench
{
    private const int K = 10;

    public static int Run(VectorIndexBenchOptions options)
    {
        if (options.LoadOnly is not null)
        {
            return LoadOnly(options.LoadOnly);
        }

        Console.WriteLine($"# vectorindex bench: {options.Data} data, dim {options.Dimension}, M {options.M}, efConstruction {options.EfConstruction}, build threads {options.Threads}, {options.Queries} queries, k={K}");
        Console.WriteLine($"# {Environment.ProcessorCount} cores, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, .NET {Environment.Version}, AVX2 {System.Runtime.Intrinsics.X86.Avx2.IsSupported}, AVX-512 {System.Runtime.Intrinsics.X86.Avx512F.IsSupported}");
        Console.WriteLine($"# load average at start: {ReadLoadAverage()}; in-cache dot product of {options.Dimension} floats: TensorPrimitives.Dot {DotNanoseconds(options.Dimension, System.Numerics.Tensors.TensorPrimitives.Dot):F1} ns, the index's VectorMath.Dot {DotNanoseconds(options.Dimension, VectorMath.Dot):F1} ns");
        if (options.Checksums)
        {
            ChecksumBench.Run();
        }

        if (options.ComparePartitions)
        {
            PartitionLayoutBench.Run(options);
        }

        foreach (var size in options.Sizes.Where(s => s > 0))
        {
            RunSize(options, size);
        }

        return 0;
    }

    private static void RunSize(VectorIndexBenchOptions options, int size)
    {
        var dim = options.Dimension;
        Console.WriteLine();
        Console.WriteLine($"## {size:N0} vectors");
        var sw = Stopwatch.StartNew();
        var data = BenchData.Generate(options.Data, size, dim, seed: 1);
        var queries = BenchData.Generate(options.Data, options.Queries, dim, seed: 2);
        var ids = Enumerable.Range(0, size).Select(i => (long)i).ToArray();
        Console.WriteLine($"data generated in {sw.Elapsed.TotalSeconds:F1} s");

        // Exact SIMD scan: the baseline and the ground truth.
        var truth = new VectorMatch[options.Queries][];
        var scanMs = new double[options.Queries];
        var scanCpuMs = new double[options.Queries];
        for (var q = 0; q < options.Queries; q++)
        {
            var buffer = new VectorMatch[K];
            var cpuStart = ThreadCpuClock.NowNanoseconds();
            var start = Stopwatch.GetTimestamp();
            FlatScan.Search(queries.AsSpan(q * dim, dim), data, ids, default, dim, buffer);
            scanMs[q] = Percentiles.Ms(Stopwatch.GetTimestamp() - start);
            scanCpuMs[q] = (ThreadCpuClock.NowNanoseconds() - cpuStart) / 1e6;
            truth[q] = buffer;
        }

        Array.Sort(scanMs);
        Array.Sort(scanCpuMs);
        Console.WriteLine($"brute-force SIMD scan: p50 {Percentiles.Of(scanMs, 50):F3} ms, p99 {Percentiles.Of(scanMs, 99):F3} ms (recall 1.000, {dim * 4} B/vector raw)");

        GC.Collect();
        var heapBefore = GC.GetTotalMemory(forceFullCollection: true);
        var kept = options.KeepSnapshotDirectory is null ? null
            : Path.Combine(options.KeepSnapshotDirectory, $"vectorindex-{options.Data}-{size}x{dim}-m{options.M}-efc{options.EfConstruction}.snapshot");
        HnswIndex index;
        string? notLoaded = null;
        if (kept is not null && HnswIndex.TryLoadSnapshot(kept, out var loaded, out notLoaded))
        {
            index = loaded!;
            Console.WriteLine($"build: not measured in this run, graph loaded from {kept}; top layer {index.TopLevel}");
        }
        else
        {
            if (kept is not null && File.Exists(kept))
            {
                Console.WriteLine($"kept graph not loaded ({notLoaded}): building it again");
            }

            index = Build(options, data, size);
            if (kept is not null)
            {
                index.SaveSnapshot(kept);
            }
        }

        var bytes = index.MemoryBytes();
        GC.Collect();
        var heapAfter = GC.GetTotalMemory(forceFullCollection: true);
        Console.WriteLine($"memory: {bytes / (double)size:F0} B/vector by accounting ({bytes / 1048576.0:F0} MiB), {(heapAfter - heapBefore) / (double)size:F0} B/vector by GC heap delta");

        Console.WriteLine();
        Console.WriteLine("| search | efSearch | p50 ms | p99 ms | mean ms | thread-CPU p50 ms | thread-CPU p99 ms | recall@1 | recall@10 | speed-up vs scan (p50) | CPU share |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|---|");
        Console.WriteLine($"| brute-force SIMD scan | - | {Percentiles.Of(scanMs, 50):F3} | {Percentiles.Of(scanMs, 99):F3} | {scanMs.Average():F3} | {Percentiles.Of(scanCpuMs, 50):F3} | {Percentiles.Of(scanCpuMs, 99):F3} | 1.000 | 1.000 | 1.0x | - |");
        foreach (var ef in options.EfSearch)
        {
            var (p50, p99, mean, r1, r10, cpu, cpuP50, cpuP99) = MeasureSearch(index, queries, dim, ef, truth);
            Console.WriteLine($"| HNSW | {ef} | {p50:F3} | {p99:F3} | {mean:F3} | {cpuP50:F3} | {cpuP99:F3} | {r1:F3} | {r10:F3} | {Percentiles.Of(scanMs, 50) / p50:F0}x | {cpu:F2} |");
        }

        var path = Path.Combine(options.SnapshotDirectory, $"vectorindex-bench-{Environment.ProcessId}-{size}.snapshot");
        try
        {
            if (!options.SkipSnapshot)
            {
                MeasureSnapshot(index, path, queries, dim);
            }
            else if (kept is null)
            {
                index.SaveSnapshot(path);
            }

            MeasureQuantized(options, kept ?? path, queries, dim, size, truth, Percentiles.Of(scanMs, 50));
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static HnswIndex Build(VectorIndexBenchOptions options, float[] data, int size)
    {
        var dim = options.Dimension;
        var index = new HnswIndex(dim, options.M, options.EfConstruction, options.EfSearch[0], seed: 42, size);
        var sw = Stopwatch.StartNew();
        var next = -1;
        var threads = Enumerable.Range(0, options.Threads).Select(_ => new Thread(() =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < size)
            {
                index.Insert(i, data.AsSpan(i * dim, dim));
            }
        })).ToArray();
        foreach (var t in threads)
        {
            t.Start();
        }

        var lastReport = Stopwatch.StartNew();
        foreach (var t in threads)
        {
            while (!t.Join(1000))
            {
                if (lastReport.Elapsed.TotalSeconds >= 60)
                {
                    Console.WriteLine($"  ... {Volatile.Read(ref next):N0} inserted after {sw.Elapsed.TotalSeconds:F0} s");
                    lastReport.Restart();
                }
            }
        }

        var buildSeconds = sw.Elapsed.TotalSeconds;
        Console.WriteLine($"build: {buildSeconds:F1} s with {options.Threads} threads = {buildSeconds * 1e6 / size:F1} µs/vector wall ({buildSeconds * 1e6 * options.Threads / size:F1} µs/vector per thread); top layer {index.TopLevel}");
        return index;
    }

    private static string ReadLoadAverage() =>
        File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : "n/a";

    private delegate float DotProduct(ReadOnlySpan<float> x, ReadOnlySpan<float> y);

    private static double DotNanoseconds(int dimension, DotProduct dot)
    {
        var a = BenchData.Generate("uniform", 2, dimension, 3);
        var x = a.AsSpan(0, dimension);
        var y = a.AsSpan(dimension, dimension);
        var sum = 0f;
        const int Rounds = 2_000_000;
        var warm = Stopwatch.StartNew();
        while (warm.Elapsed.TotalSeconds < 1) // past tiered compilation's tier 0
        {
            sum += dot(x, y);
        }

        var start = Stopwatch.GetTimestamp();
        for (var i = 0; i < Rounds; i++)
        {
            sum += dot(x, y);
        }

        var ns = Percentiles.Ms(Stopwatch.GetTimestamp() - start) * 1e6 / Rounds;
        return float.IsNaN(sum) ? double.NaN : ns;
    }

    /// <summary>Single-thread search figures; CpuShare = process CPU seconds per wall second during the loop (1.0 = a whole core).</summary>
    internal static (double P50, double P99, double Mean, double RecallAt1, double RecallAt10, double CpuShare, double CpuP50, double CpuP99) MeasureSearch(HnswIndex index, float[] queries, int dim, int ef, VectorMatch[][] truth, Func<long, bool>? filter = null)
    {
        var count = truth.Length;
        var buffer = new VectorMatch[K];
        // Warm-up for at least a second: tiered compilation promotes the search loop to optimised
        // code only after ~100 ms without new compilations, so a fixed 50 queries measured tier 0.
        var warm = Stopwatch.StartNew();
        for (var q = 0; warm.Elapsed.TotalSeconds < 1 || q < count; q++)
        {
            index.Search(queries.AsSpan(q % count * dim, dim), buffer, ef, filter);
        }

        var ms = new double[count];
        var cpuMs = new double[count];
        double r1 = 0, r10 = 0;
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var wall = Stopwatch.StartNew();
        for (var q = 0; q < count; q++)
        {
            var cpuStart = ThreadCpuClock.NowNanoseconds();
            var start = Stopwatch.GetTimestamp();
            var found = index.Search(queries.AsSpan(q * dim, dim), buffer, ef, filter);
            ms[q] = Percentiles.Ms(Stopwatch.GetTimestamp() - start);
            cpuMs[q] = (ThreadCpuClock.NowNanoseconds() - cpuStart) / 1e6;
            var exact = truth[q].Select(x => x.Id).ToHashSet();
            r10 += buffer.Take(found).Count(x => exact.Contains(x.Id)) / (double)truth[q].Length;
            r1 += found > 0 && buffer[0].Id == truth[q][0].Id ? 1 : 0;
        }

        var cpuShare = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalSeconds / wall.Elapsed.TotalSeconds;
        Array.Sort(ms);
        Array.Sort(cpuMs);
        return (Percentiles.Of(ms, 50), Percentiles.Of(ms, 99), ms.Average(), r1 / count, r10 / count, cpuShare, Percentiles.Of(cpuMs, 50), Percentiles.Of(cpuMs, 99));
    }

    /// <summary>Save, load (warm and from storage) and identical results; leaves the snapshot at <paramref name="path"/>.</summary>
    private static void MeasureSnapshot(HnswIndex index, string path, float[] queries, int dim)
    {
        var sw = Stopwatch.StartNew();
        var bytes = index.SaveSnapshot(path);
        var saveSeconds = sw.Elapsed.TotalSeconds;
        if (!TryTimedLoad(path, quantized: false, out var loaded, out var loadSeconds, out var loadCpuSeconds))
        {
            return;
        }

        var identical = 0;
        var checkedQueries = Math.Min(100, queries.Length / dim);
        for (var q = 0; q < checkedQueries; q++)
        {
            var a = index.Search(queries.AsSpan(q * dim, dim), K);
            var b = loaded.Search(queries.AsSpan(q * dim, dim), K);
            identical += a.SequenceEqual(b) ? 1 : 0;
        }

        Console.WriteLine();
        Console.WriteLine($"snapshot: {bytes / 1048576.0:F0} MiB, save {saveSeconds:F2} s; load in this process (which already holds the data and the graph) {loadSeconds:F2} s wall / {loadCpuSeconds:F2} s CPU; identical results after load: {identical}/{checkedQueries} queries");

        // A restart: a fresh process loads the file, from the page cache and then from storage.
        // (This process lets go of its copy first; it still holds the data and the graph.)
        loaded = null;
        GC.Collect();
        Console.WriteLine(RestartLoad(path));
        Console.WriteLine($"after evicting the file from the page cache ({PageCache.Evict(path)}): {RestartLoad(path)}");
    }

    private static string RestartLoad(string path)
    {
        using var child = Process.Start(new ProcessStartInfo(Environment.ProcessPath!, ["vectorindex", "--load-only", path]) { RedirectStandardOutput = true })!;
        var output = child.StandardOutput.ReadToEnd();
        child.WaitForExit();
        return output.Split('\n').FirstOrDefault(l => l.StartsWith("restart:", StringComparison.Ordinal)) ?? $"restart load FAILED: {output.Trim()}";
    }

    /// <summary>The same graph walked on int8 codes and re-ranked on floats (QuantizedSearch), loaded from its snapshot.</summary>
    private static void MeasureQuantized(VectorIndexBenchOptions options, string path, float[] queries, int dim, int size, VectorMatch[][] truth, double scanP50)
    {
        GC.Collect();
        if (!TryTimedLoad(path, quantized: true, out var quantized, out var loadSeconds, out var loadCpuSeconds))
        {
            return;
        }

        Console.WriteLine();
        Console.WriteLine($"quantized search: load with int8 encoding {loadSeconds:F2} s wall / {loadCpuSeconds:F2} s CPU; memory {quantized.MemoryBytes() / (double)size:F0} B/vector by accounting");
        Console.WriteLine();
        Console.WriteLine("| search | efSearch | p50 ms | p99 ms | mean ms | thread-CPU p50 ms | thread-CPU p99 ms | recall@1 | recall@10 | speed-up vs scan (p50) | CPU share |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var ef in options.EfSearch)
        {
            var (p50, p99, mean, r1, r10, cpu, cpuP50, cpuP99) = MeasureSearch(quantized, queries, dim, ef, truth);
            Console.WriteLine($"| HNSW int8 walk, float re-rank | {ef} | {p50:F3} | {p99:F3} | {mean:F3} | {cpuP50:F3} | {cpuP99:F3} | {r1:F3} | {r10:F3} | {scanP50 / p50:F0}x | {cpu:F2} |");
        }
    }

    /// <summary>A restart: this process holds nothing else, so the load pays for fresh memory as a restarted gateway would.</summary>
    private static int LoadOnly(string path)
    {
        var diskBefore = PageCache.BytesReadFromStorage();
        var ok = TryTimedLoad(path, quantized: false, out var index, out var wall, out var cpu);
        if (ok)
        {
            var fromDisk = (PageCache.BytesReadFromStorage() - diskBefore) / 1048576.0;
            Console.WriteLine($"restart: {new FileInfo(path).Length / 1048576.0:F0} MiB snapshot of {index!.Count:N0} vectors loaded by a fresh process in {wall:F2} s wall / {cpu:F2} s CPU ({fromDisk:F0} of them read from storage)");
        }

        return ok ? 0 : 1;
    }

    private static bool TryTimedLoad(string path, bool quantized, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out HnswIndex? index, out double wallSeconds, out double cpuSeconds)
    {
        var sw = Stopwatch.StartNew();
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var gen2Before = GC.CollectionCount(2);
        var pausedBefore = GC.GetTotalPauseDuration();
        var ok = HnswIndex.TryLoadSnapshot(path, out index, out var reason, quantized);
        wallSeconds = sw.Elapsed.TotalSeconds;
        cpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalSeconds;
        Console.WriteLine($"  (load: {GC.CollectionCount(2) - gen2Before} gen-2 collections, {(GC.GetTotalPauseDuration() - pausedBefore).TotalSeconds:F2} s paused in GC)");
        if (!ok)
        {
            Console.WriteLine($"snapshot load FAILED: {reason}");
        }

        return ok;
    }
}
