using LlmGateway.Embeddings;
using LlmGateway.Embeddings.Onnx;
using Microsoft.ML.OnnxRuntime;

namespace LlmGateway.Tests.Embeddings.Onnx;

public sealed class OnnxErrorTests
{
    [Fact]
    public void Missing_model_names_the_setting_and_the_expected_files()
    {
        var empty = Directory.CreateTempSubdirectory("llmgw-emb-empty").FullName;
        try
        {
            var ex = Assert.Throws<EmbeddingModelLoadException>(() => OnnxEmbedder.Load(empty, EmbeddingPooling.Mean, 256));
            Assert.Contains("Gateway:Embeddings:ModelPath", ex.Message);
            Assert.Contains("onnx/model.onnx", ex.Message);
        }
        finally
        {
            Directory.Delete(empty, true);
        }
    }

    [Fact]
    public void Corrupt_model_reports_onnx_runtime_error()
    {
        using var folder = TempModelFolder.Create("tiny-bert.onnx", TestPaths.MiniLm);
        var bytes = File.ReadAllBytes(Path.Combine(folder.Path, "model.onnx"));
        File.WriteAllBytes(Path.Combine(folder.Path, "model.onnx"), bytes[..(bytes.Length / 3)]);
        var ex = Assert.Throws<EmbeddingModelLoadException>(() => OnnxEmbedder.Load(folder.Path, EmbeddingPooling.Mean, 256));
        Assert.Contains("could not be loaded by ONNX Runtime", ex.Message);
        Assert.IsType<OnnxRuntimeException>(ex.InnerException);
    }

    [Fact]
    public void Wrong_input_names_are_listed()
    {
        using var folder = TempModelFolder.Create("tiny-bert-badnames.onnx", TestPaths.MiniLm);
        var ex = Assert.Throws<EmbeddingModelLoadException>(() => OnnxEmbedder.Load(folder.Path, EmbeddingPooling.Mean, 256));
        Assert.Contains("no 'input_ids' input", ex.Message);
        Assert.Contains("[ids, mask]", ex.Message);
    }

    [Fact]
    public void Missing_tokenizer_is_reported()
    {
        using var folder = TempModelFolder.Create("tiny-bert.onnx", TestPaths.MiniLm, false, "config.json");
        var ex = Assert.Throws<EmbeddingModelLoadException>(() => OnnxEmbedder.Load(folder.Path, EmbeddingPooling.Mean, 256));
        Assert.Contains("tokenizer.json or vocab.txt", ex.Message);
    }

    [Fact]
    public void Vocab_txt_folder_and_onnx_subfolder_layouts_load()
    {
        using var folder = TempModelFolder.Create("tiny-bert.onnx", TestPaths.MiniLm, true, "vocab.txt", "tokenizer_config.json");
        using var embedder = OnnxEmbedder.Load(folder.Path, EmbeddingPooling.Mean, 256);
        Assert.Equal("wordpiece-30522", embedder.TokenizerDescription);
    }

    [Fact]
    public void Empty_text_is_rejected_and_long_text_is_truncated()
    {
        using var folder = TempModelFolder.Create("tiny-bert.onnx", TestPaths.MiniLm);
        using var embedder = OnnxEmbedder.Load(folder.Path, EmbeddingPooling.Mean, 64);
        Assert.Throws<ArgumentException>(() => embedder.EmbedBatch([""], CancellationToken.None));
        var longText = string.Concat(Enumerable.Repeat("long text 日本語 ", 8000))[..100_000];
        var vector = embedder.EmbedBatch([longText], CancellationToken.None)[0];
        var prefixOnly = embedder.EmbedBatch([longText[..2000]], CancellationToken.None)[0];
        Assert.Equal(prefixOnly, vector); // only the first 64 tokens count, and 2,000 characters hold more than 64
    }

    [Fact]
    public void Model_id_changes_with_pooling_max_tokens_and_model_file()
    {
        using var a = TempModelFolder.Create("tiny-bert.onnx", TestPaths.MiniLm);
        using var b = TempModelFolder.Create("tiny-bert-notype.onnx", TestPaths.MiniLm);
        using var mean = OnnxEmbedder.Load(a.Path, EmbeddingPooling.Mean, 256);
        using var meanAgain = OnnxEmbedder.Load(a.Path, EmbeddingPooling.Mean, 256);
        using var cls = OnnxEmbedder.Load(a.Path, EmbeddingPooling.Cls, 256);
        using var shorter = OnnxEmbedder.Load(a.Path, EmbeddingPooling.Mean, 128);
        using var other = OnnxEmbedder.Load(b.Path, EmbeddingPooling.Mean, 256);
        Assert.Equal(mean.ModelId, meanAgain.ModelId);
        Assert.Equal(5, new[] { mean.ModelId, cls.ModelId, shorter.ModelId, other.ModelId, mean.ModelId + "x" }.Distinct().Count());
    }

    [Fact]
    public void Max_tokens_is_capped_by_the_model_position_embeddings()
    {
        using var folder = TempModelFolder.Create("tiny-bert.onnx", TestPaths.MiniLm);
        using var embedder = OnnxEmbedder.Load(folder.Path, EmbeddingPooling.Mean, 4096);
        Assert.Equal(512, embedder.MaxTokens);
    }

    [Fact]
    public void Use_after_dispose_throws_object_disposed()
    {
        using var folder = TempModelFolder.Create("tiny-bert.onnx", TestPaths.MiniLm);
        var embedder = OnnxEmbedder.Load(folder.Path, EmbeddingPooling.Mean, 256);
        embedder.Dispose();
        Assert.Throws<ObjectDisposedException>(() => embedder.EmbedBatch(["after dispose"], CancellationToken.None));
    }
}
