using LlmGateway.Embeddings;
using LlmGateway.Embeddings.Hashing;
using LlmGateway.Embeddings.Onnx;
using LlmGateway.Embeddings.Tokenizers;

namespace LlmGateway.Tests.Embeddings;

/// <summary>The hot paths allocate nothing per token (the performance requirement, checked exactly).</summary>
public sealed class AllocationTests
{
    private const string Short = "How do I reset my password?";
    private static readonly string Long = string.Concat(Enumerable.Repeat("a much longer question about resetting passwords ", 40));

    [Fact]
    public void WordPiece_encoding_of_ascii_text_allocates_nothing()
    {
        var tokenizer = TokenizerLoader.LoadTokenizerJson(Path.Combine(TestPaths.MiniLm, "tokenizer.json"));
        var ids = new long[256];
        tokenizer.Encode(Long, ids, 256);
        var before = GC.GetAllocatedBytesForCurrentThread();
        var count = tokenizer.Encode(Long, ids, 256);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(256, count);
        Assert.Equal(0, allocated);
    }

    [Fact]
    public void Hashing_span_path_allocates_nothing_for_ascii_text()
    {
        var embedder = new HashingEmbedder(512);
        var vector = new float[512];
        embedder.Embed(Long, vector);
        var before = GC.GetAllocatedBytesForCurrentThread();
        embedder.Embed(Long, vector);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void Onnx_call_allocates_the_same_for_13_and_256_tokens()
    {
        using var folder = TempModelFolder.Create("tiny-bert.onnx", TestPaths.MiniLm);
        using var embedder = OnnxEmbedder.Load(folder.Path, EmbeddingPooling.Mean, 256);
        Assert.Equal(256, embedder.CountTokens(Long));
        Assert.True(embedder.CountTokens(Short) < 16);
        var shortTexts = new[] { Short };
        var longTexts = new[] { Long };
        long Measure(string[] texts)
        {
            embedder.EmbedBatch(texts, CancellationToken.None);
            var before = GC.GetAllocatedBytesForCurrentThread();
            embedder.EmbedBatch(texts, CancellationToken.None);
            return GC.GetAllocatedBytesForCurrentThread() - before;
        }

        var shortBytes = Measure(shortTexts);
        var longBytes = Measure(longTexts);
        Assert.Equal(shortBytes, longBytes);
        // The result arrays plus Microsoft.ML.OnnxRuntime's per-run wrappers (~0.9 KB: OrtValues, pins, the output
        // collection); a bound, not an exact figure, so a package update does not fail it. Nothing scales with tokens.
        Assert.True(shortBytes < 2048, $"{shortBytes} bytes per call");
    }
}
