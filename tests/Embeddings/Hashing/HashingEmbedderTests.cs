using LlmGateway.Embeddings.Hashing;

namespace LlmGateway.Tests.Embeddings.Hashing;

public sealed class HashingEmbedderTests
{
    private readonly HashingEmbedder _embedder = new(512);

    [Fact]
    public async Task Same_text_gives_the_same_vector_across_instances()
    {
        var a = await _embedder.EmbedAsync("How do I reset my password?", default);
        var b = await new HashingEmbedder(512).EmbedAsync("How do I reset my password?", default);
        Assert.Equal(a, b);
    }

    [Fact]
    public void Hash_values_are_fixed_so_replicas_and_restarts_agree()
    {
        // Pinned: string.GetHashCode is randomised per process; this hash must not be. If this changes on purpose,
        // bump HashingEmbedder.AlgorithmVersion so stored vectors are not compared with new ones.
        Assert.Equal(1487504713603193024UL, FeatureHash.Of("password", 1));
    }

    [Theory]
    [InlineData("How do I reset my password?")]
    [InlineData("パスワードをリセットする方法を教えてください。")]
    [InlineData("?!")]
    [InlineData("🍕")]
    [InlineData("Café CRÈME")]
    public async Task Vectors_have_unit_length(string text)
    {
        var v = await _embedder.EmbedAsync(text, default);
        Assert.Equal(512, v.Length);
        Assert.Equal(1.0, Math.Sqrt(v.Sum(x => (double)x * x)), 5);
    }

    [Theory]
    [InlineData("How do I reset my password?", "how can i reset my password", "What is the capital of France?")]
    [InlineData("Please summarise this article in three sentences.", "Summarise this article in 3 sentences please", "Translate the following sentence into Japanese.")]
    [InlineData("パスワードをリセットする方法を教えてください。", "パスワードのリセット方法を教えて", "東京駅への行き方を教えてください。")]
    [InlineData("我想重置我的密码", "如何重置我的密码", "今天天气怎么样")]
    public async Task Near_duplicates_score_above_unrelated_sentences(string query, string rewording, string unrelated)
    {
        var q = await _embedder.EmbedAsync(query, default);
        var near = Cosine(q, await _embedder.EmbedAsync(rewording, default));
        var far = Cosine(q, await _embedder.EmbedAsync(unrelated, default));
        Assert.True(near > far + 0.2, $"near {near:F3} should exceed unrelated {far:F3} by 0.2");
        Assert.True(near > 0.5, $"near {near:F3}");
    }

    [Fact]
    public async Task Case_and_width_variants_are_identical()
    {
        var a = await _embedder.EmbedAsync("RESET MY PASSWORD ＡＢＣ", default);
        var b = await _embedder.EmbedAsync("reset my password abc", default);
        Assert.Equal(1.0, Cosine(a, b), 5);
    }

    [Fact]
    public async Task Span_path_equals_async_path()
    {
        var expected = await _embedder.EmbedAsync("span and async agree", default);
        Span<float> actual = stackalloc float[512];
        _embedder.Embed("span and async agree", actual);
        Assert.Equal(expected, actual.ToArray());
    }

    [Fact]
    public async Task Batch_equals_single()
    {
        var batch = await _embedder.EmbedBatchAsync(["one text", "日本語のテキスト"], default);
        Assert.Equal(await _embedder.EmbedAsync("one text", default), batch[0]);
        Assert.Equal(await _embedder.EmbedAsync("日本語のテキスト", default), batch[1]);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   \t\n")]
    public async Task Empty_text_is_rejected_with_a_clear_error(string text)
    {
        var ex = await Assert.ThrowsAsync<ArgumentException>(async () => await _embedder.EmbedAsync(text, default));
        Assert.Contains("empty", ex.Message);
    }

    [Fact]
    public async Task Hundred_thousand_characters_embed_and_depend_on_the_end_of_the_text()
    {
        var text = string.Concat(Enumerable.Repeat("日本語 and English mixed 123. ", 4000))[..100_000];
        var a = await _embedder.EmbedAsync(text, default);
        var b = await _embedder.EmbedAsync(text[..99_000] + "completely different ending words here", default);
        Assert.Equal(1.0, Math.Sqrt(a.Sum(x => (double)x * x)), 4);
        Assert.NotEqual(a, b);
    }

    [Fact]
    public void Model_id_names_algorithm_and_dimension()
    {
        Assert.Equal("hashing-v1-d512", _embedder.ModelId);
        Assert.NotEqual(_embedder.ModelId, new HashingEmbedder(256).ModelId);
        Assert.Equal(256, new HashingEmbedder(256).Dimension);
    }

    private static double Cosine(float[] a, float[] b) => a.Zip(b).Sum(p => (double)p.First * p.Second);
}
