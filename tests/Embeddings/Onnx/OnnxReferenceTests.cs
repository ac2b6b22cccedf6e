using LlmGateway.Embeddings;
using LlmGateway.Embeddings.Onnx;

namespace LlmGateway.Tests.Embeddings.Onnx;

/// <summary>The real binding against the real ONNX Runtime, compared with onnxruntime-node's output to 1e-5.</summary>
public sealed class OnnxReferenceTests
{
    private const float Tolerance = 1e-5f;

    public static TheoryData<string, string, string, bool, EmbeddingPooling> Models() => new()
    {
        { "tiny-bert+minilm", "tiny-bert.onnx", "minilm", false, EmbeddingPooling.Mean },
        { "tiny-bert+minilm", "tiny-bert.onnx", "minilm", true, EmbeddingPooling.Cls },
        { "tiny-bert-notype+minilm", "tiny-bert-notype.onnx", "minilm", true, EmbeddingPooling.Mean },
        { "tiny-bert-notype+unigram", "tiny-bert-notype.onnx", "unigram", false, EmbeddingPooling.Mean },
    };

    [Theory]
    [MemberData(nameof(Models))]
    public void One_at_a_time_matches_onnxruntime_node(string key, string model, string tokenizer, bool onnxSubfolder, EmbeddingPooling pooling)
    {
        using var folder = TempModelFolder.Create(model, tokenizer == "minilm" ? TestPaths.MiniLm : TestPaths.Unigram, onnxSubfolder);
        using var embedder = OnnxEmbedder.Load(folder.Path, pooling, 256);
        var references = ReferenceVector.Load(key);
        Assert.Equal(references[0].Mean.Length, embedder.Dimension);
        foreach (var reference in references)
        {
            var vector = embedder.EmbedBatch([reference.Text], CancellationToken.None)[0];
            AssertClose(pooling == EmbeddingPooling.Mean ? reference.Mean : reference.Cls, vector, reference.Text);
        }
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void Padded_batch_matches_onnxruntime_node(string key, string model, string tokenizer, bool onnxSubfolder, EmbeddingPooling pooling)
    {
        using var folder = TempModelFolder.Create(model, tokenizer == "minilm" ? TestPaths.MiniLm : TestPaths.Unigram, onnxSubfolder);
        using var embedder = OnnxEmbedder.Load(folder.Path, pooling, 256);
        var references = ReferenceVector.Load(key);
        var vectors = embedder.EmbedBatch(references.Select(r => r.Text).ToArray(), CancellationToken.None);
        for (var i = 0; i < references.Count; i++)
        {
            AssertClose(pooling == EmbeddingPooling.Mean ? references[i].Mean : references[i].Cls, vectors[i], references[i].Text);
        }
    }

    [Fact]
    public void Vectors_have_unit_length_and_depend_on_the_text()
    {
        using var folder = TempModelFolder.Create("tiny-bert.onnx", TestPaths.MiniLm);
        using var embedder = OnnxEmbedder.Load(folder.Path, EmbeddingPooling.Mean, 256);
        var vectors = embedder.EmbedBatch(["How do I reset my password?", "What is the capital of France?"], CancellationToken.None);
        foreach (var v in vectors)
        {
            Assert.Equal(1.0, Math.Sqrt(v.Sum(x => (double)x * x)), 5);
        }

        Assert.True(vectors[0].Zip(vectors[1]).Max(p => Math.Abs(p.First - p.Second)) > 0.01f);
    }

    private static void AssertClose(float[] expected, float[] actual, string text)
    {
        Assert.Equal(expected.Length, actual.Length);
        var worst = expected.Zip(actual).Max(p => Math.Abs(p.First - p.Second));
        Assert.True(worst <= Tolerance, $"max |diff| {worst} > {Tolerance} for text of length {text.Length}");
    }
}
