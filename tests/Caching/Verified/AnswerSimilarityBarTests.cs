using LlmGateway.Caching;
using LlmGateway.Caching.Verified;
using LlmGateway.Embeddings;
using LlmGateway.Tests.Infrastructure;

namespace LlmGateway.Tests.Caching.Verified;

public sealed class AnswerSimilarityBarTests
{
    private static readonly HitDecisionData[] Decisions =
    [
        new() { EmbedderId = "measured-embedder", Threshold = 0.9, AnswerSimilarityBar = 0.93, AnswerSimilarity = new() { ["chosen on"] = "test" } },
        new() { EmbedderId = "not-reached-embedder", Threshold = 0.9, AnswerSimilarity = new() { ["chosen on"] = "not reached" } },
    ];

    /// <summary>Every text gets almost the same vector: cosine 0.999 between any two answers.</summary>
    private sealed class NearlyConstantEmbedder : ITextEmbedder
    {
        public string ModelId => "nearly-constant";

        public int Dimension => 2;

        public ValueTask<float[]> EmbedAsync(string text, CancellationToken cancellationToken) =>
            ValueTask.FromResult(text.Length % 2 == 0 ? new[] { 1f, 0f } : [0.999f, MathF.Sqrt(1 - (0.999f * 0.999f))]);

        public async ValueTask<float[][]> EmbedBatchAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken) =>
            [.. await Task.WhenAll(texts.Select(t => EmbedAsync(t, cancellationToken).AsTask()))];

        public void Dispose()
        {
        }
    }

    private static byte[] Chat(string content) => System.Text.Encoding.UTF8.GetBytes(new System.Text.Json.Nodes.JsonObject
    {
        ["choices"] = new System.Text.Json.Nodes.JsonArray(new System.Text.Json.Nodes.JsonObject { ["message"] = new System.Text.Json.Nodes.JsonObject { ["content"] = content } }),
    }.ToJsonString());

    // Two long answers (over 20 words) that differ: lengths 174 and 175, so the embedder above gives them cosine 0.999.
    private static readonly string LongA = string.Join(' ', Enumerable.Range(0, 30).Select(i => "word" + (i % 10)));
    private static readonly string LongB = LongA + "s";

    [Fact]
    public void The_bar_is_read_from_the_decision_file_of_the_exact_embedder_id()
    {
        var bar = AnswerSimilarityBar.Resolve(null, "measured-embedder", Decisions);

        Assert.Equal(0.93, bar.Bar);
        Assert.StartsWith("measured for measured-embedder", bar.Source, StringComparison.Ordinal);
        Assert.Null(AnswerSimilarityBar.Resolve(null, "measured-embedder-v2", Decisions).Bar);
    }

    [Fact]
    public void The_decision_file_carries_the_bar_and_older_files_without_it_still_read()
    {
        var withBar = HitDecisionData.Parse("""{"embedderId":"e","threshold":0.9,"answerSimilarityBar":0.91,"answerSimilarity":{"chosen on":"x"}}""");
        var older = HitDecisionData.Parse("""{"embedderId":"e","threshold":0.9}""");

        Assert.Equal(0.91, withBar.AnswerSimilarityBar);
        Assert.Equal(0.91, HitDecisionData.Parse(withBar.ToJson()).AnswerSimilarityBar);
        Assert.Null(older.AnswerSimilarityBar);
        Assert.Null(AnswerSimilarityBar.Resolve(null, "e", [older]).Bar);
    }

    [Fact]
    public void The_shipped_MiniLM_file_is_measured_and_its_bar_is_the_one_used()
    {
        var shipped = Assert.Single(HitDecisions.All, d => d.EmbedderId.StartsWith("onnx-all-MiniLM-L6-v2-", StringComparison.Ordinal));

        Assert.NotNull(shipped.AnswerSimilarity); // bench -- answer-equivalence --write ran for it
        Assert.Contains("answer-equivalence", shipped.AnswerSimilarityCommand, StringComparison.Ordinal);
        Assert.Equal(shipped.AnswerSimilarityBar, AnswerSimilarityBar.Resolve(null, shipped.EmbedderId, HitDecisions.All).Bar);
    }

    [Theory]
    [InlineData("hashing-512")]
    [InlineData("not-reached-embedder")]
    public async Task Without_a_measured_bar_a_cosine_never_makes_different_answers_the_same(string embedderId)
    {
        var embedder = new NearlyConstantEmbedder();
        var bar = AnswerSimilarityBar.Resolve(null, embedderId, Decisions);
        Assert.Null(bar.Bar);
        Assert.Equal(AnswerEquivalence.Decider.Cosine, AnswerEquivalence.Layer(LongA, LongB));

        Assert.False(await new AnswerEquivalence(embedder, bar.Bar).SameAsync(Chat(LongA), Chat(LongB), default));
        Assert.True(await new AnswerEquivalence(embedder, bar.Bar).SameAsync(Chat(LongA), Chat(LongA.ToUpperInvariant()), default));
        // The same pair with a bar: the cosine (0.999) does make it the same, so the refusal above is the missing bar's.
        Assert.True(await new AnswerEquivalence(embedder, 0.95).SameAsync(Chat(LongA), Chat(LongB), default));
    }

    [Fact]
    public void An_explicit_setting_overrides_the_measured_bar_and_applies_to_any_embedder()
    {
        var over = AnswerSimilarityBar.Resolve(0.97, "measured-embedder", Decisions);
        var unknown = AnswerSimilarityBar.Resolve(0.97, "hashing-512", Decisions);

        Assert.Equal((0.97, true), (over.Bar!.Value, over.Source.StartsWith("configured", StringComparison.Ordinal)));
        Assert.Equal(0.97, unknown.Bar);
    }

    [Theory]
    [InlineData(0.0, false)]
    [InlineData(-0.5, false)]
    [InlineData(1.0001, false)]
    [InlineData(1.5, false)]
    [InlineData(0.01, true)]
    [InlineData(1.0, true)]
    [InlineData(null, true)]
    public void Validation_rejects_a_bar_outside_zero_to_one(double? value, bool valid)
    {
        var errors = new CacheOptions { AnswerSimilarityBar = value }.Validate().Where(e => e.StartsWith("Gateway:Cache:AnswerSimilarityBar:", StringComparison.Ordinal));

        Assert.Equal(valid, !errors.Any());
    }

    [Theory]
    [InlineData(null, "none", "equal answers only")]
    [InlineData("0.9", "0.900", "configured")]
    public async Task Startup_logs_once_which_bar_is_used_and_where_it_came_from(string? configured, string bar, string source)
    {
        var settings = GatewayHost.BasicSettings("http://localhost:1/v1"); // the hashing embedder: nothing measured for it
        if (configured is not null)
            settings["Gateway:Cache:AnswerSimilarityBar"] = configured;
        await using var gateway = await GatewayHost.StartAsync(settings);

        var line = Assert.Single(gateway.Logs.Lines, l => l.Contains("[11550]", StringComparison.Ordinal));
        Assert.Contains($"bar {bar} ", line, StringComparison.Ordinal);
        Assert.Contains(source, line, StringComparison.Ordinal);
    }
}
