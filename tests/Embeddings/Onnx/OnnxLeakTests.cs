using LlmGateway.Embeddings;
using LlmGateway.Embeddings.Onnx;

namespace LlmGateway.Tests.Embeddings.Onnx;

/// <summary>Measures process memory, so it runs alone (not in parallel with other test classes).</summary>
[Collection(NonParallelCollection.Name)]
public sealed class OnnxLeakTests
{
    [Fact]
    public void Many_runs_do_not_leak_native_memory()
    {
        using var folder = TempModelFolder.Create("tiny-bert.onnx", TestPaths.MiniLm);
        using var embedder = OnnxEmbedder.Load(folder.Path, EmbeddingPooling.Mean, 256);
        var texts = Enumerable.Range(0, 8).Select(i => string.Concat(Enumerable.Repeat($"text number {i} ", 100))).ToArray();
        for (var i = 0; i < 30; i++)
        {
            embedder.EmbedBatch(texts, CancellationToken.None);
        }

        var before = ResidentBytes();
        for (var i = 0; i < 300; i++)
        {
            embedder.EmbedBatch(texts, CancellationToken.None);
        }

        // Each run's output alone is 8 x 256 x 32 floats = 256 KiB: leaking it (or the inputs) would add 75 MiB.
        var growth = ResidentBytes() - before;
        Assert.True(growth < 32L << 20, $"resident memory grew by {growth >> 20} MiB over 300 runs");
    }

    private static long ResidentBytes()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        using var process = System.Diagnostics.Process.GetCurrentProcess();
        process.Refresh();
        return process.WorkingSet64;
    }
}
