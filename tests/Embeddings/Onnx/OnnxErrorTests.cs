using LlmGateway.Embeddings;
using LlmGateway.Embeddings.Onnx;

namespace LlmGateway.Tests.Embeddings.Onnx;

public sealed class OnnxErrorTests
{
    [Fact]
    public void Missing_model_names_the_setting_and_the_expected_files()
    {
        var empty = Directory.CreateTempSubdirectory("llmgw-emb-empty").FullName;
        try
        {
            var ex = Assert.Throws<EmbeddingModelLoadException>(() => OnnxEmbedder.Load(empty, null, EmbeddingPooling.Mean, 256, 1));
            Assert.Contains("Gateway:Embeddings:ModelPath", ex.Message);
            Assert.Contains("onnx/model.onnx", ex.Message);
        }
        finally
        {
            Directory.Delete(empty, true);
        }
    }

    [Fact]
    public void Missing_native_library_names_the_setup_command()
    {
        using var folder = TempModelFolder.Create("tiny-bert.onnx", TestPaths.MiniLm);
        var ex = Assert.Throws<EmbeddingModelLoadException>(() => OnnxEmbedder.Load(folder.Path, "/nonexistent/libonnxruntime.so.1", EmbeddingPooling.Mean, 256, 1));
        Assert.Contains("scripts/setup.sh", ex.Message);
        Assert.Contains("NativeLibraryPath", ex.Message);
    }

    [Fact]
    public void A_file_that_is_not_onnx_runtime_is_rejected()
    {
        using var folder = TempModelFolder.Create("tiny-bert.onnx", TestPaths.MiniLm);
        var fake = Path.Combine(folder.Path, "libfake.so");
        File.WriteAllText(fake, "not a shared library");
        var ex = Assert.Throws<EmbeddingModelLoadException>(() => OnnxEmbedder.Load(folder.Path, fake, EmbeddingPooling.Mean, 256, 1));
        Assert.Contains("could not be loaded", ex.Message);
        Assert.Contains("scripts/setup.sh", ex.Message);
    }

    [Fact]
    public void Corrupt_model_reports_onnx_runtime_error()
    {
        using var folder = TempModelFolder.Create("tiny-bert.onnx", TestPaths.MiniLm);
        var bytes = File.ReadAllBytes(Path.Combine(folder.Path, "model.onnx"));
        File.WriteAllBytes(Path.Combine(folder.Path, "model.onnx"), bytes[..(bytes.Length / 3)]);
        var ex = Assert.Throws<EmbeddingModelLoadException>(() => OnnxEmbedder.Load(folder.Path, null, EmbeddingPooling.Mean, 256, 1));
        Assert.Contains("could not be loaded by ONNX Runtime", ex.Message);
        Assert.IsType<OnnxRuntimeException>(ex.InnerException);
    }

    [Fact]
    public void Wrong_input_names_are_listed()
    {
        using var folder = TempModelFolder.Create("tiny-bert-badnames.onnx", TestPaths.MiniLm);
        var ex = Assert.Throws<EmbeddingModelLoadException>(() => OnnxEmbedder.Load(folder.Path, null, EmbeddingPooling.Mean, 256, 1));
        Assert.Contains("no 'input_ids' input", ex.Message);
        Assert.Contains("[ids, mask]", ex.Message);
    }

    [Fact]
    public void Missing_tokenizer_is_reported()
    {
        using var folder = TempModelFolder.Create("tiny-bert.onnx", TestPaths.MiniLm, false, "config.json");
        var ex = Assert.Throws<EmbeddingModelLoadException>(() => OnnxEmbedder.Load(folder.Path, null, EmbeddingPooling.Mean, 256, 1));
        Assert.Contains("tokenizer.json or vocab.txt", ex.Message);
    }

    [Fact]
    public void Vocab_txt_folder_and_onnx_subfolder_layouts_load()
    {
        using var folder = TempModelFolder.Create("tiny-bert.onnx", TestPaths.MiniLm, true, "vocab.txt", "tokenizer_config.json");
        using var embedder = OnnxEmbedder.Load(folder.Path, null, EmbeddingPooling.Mean, 256, 1);
        Assert.Equal("wordpiece-30522", embedder.TokenizerDescription);
    }

    [Fact]
    public void Empty_text_is_rejected_and_long_text_is_truncated()
    {
        using var folder = TempModelFolder.Create("tiny-bert.onnx", TestPaths.MiniLm);
        using var embedder = OnnxEmbedder.Load(folder.Path, null, EmbeddingPooling.Mean, 64, 1);
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
        using var mean = OnnxEmbedder.Load(a.Path, null, EmbeddingPooling.Mean, 256, 1);
        using var meanAgain = OnnxEmbedder.Load(a.Path, null, EmbeddingPooling.Mean, 256, 1);
        using var cls = OnnxEmbedder.Load(a.Path, null, EmbeddingPooling.Cls, 256, 1);
        using var shorter = OnnxEmbedder.Load(a.Path, null, EmbeddingPooling.Mean, 128, 1);
        using var other = OnnxEmbedder.Load(b.Path, null, EmbeddingPooling.Mean, 256, 1);
        Assert.Equal(mean.ModelId, meanAgain.ModelId);
        Assert.Equal(5, new[] { mean.ModelId, cls.ModelId, shorter.ModelId, other.ModelId, mean.ModelId + "x" }.Distinct().Count());
    }

    [Fact]
    public void Max_tokens_is_capped_by_the_model_position_embeddings()
    {
        using var folder = TempModelFolder.Create("tiny-bert.onnx", TestPaths.MiniLm);
        using var embedder = OnnxEmbedder.Load(folder.Path, null, EmbeddingPooling.Mean, 4096, 1);
        Assert.Equal(512, embedder.MaxTokens);
    }

    [Fact]
    public void Use_after_dispose_throws_object_disposed()
    {
        using var folder = TempModelFolder.Create("tiny-bert.onnx", TestPaths.MiniLm);
        var embedder = OnnxEmbedder.Load(folder.Path, null, EmbeddingPooling.Mean, 256, 1);
        embedder.Dispose();
        Assert.Throws<ObjectDisposedException>(() => embedder.EmbedBatch(["after dispose"], CancellationToken.None));
    }
}
