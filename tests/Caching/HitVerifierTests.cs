using LlmGateway.Caching;
using LlmGateway.Embeddings.Hashing;
using LlmGateway.Embeddings.Onnx;
using LlmGateway.Embeddings.Packaged;

namespace LlmGateway.Tests.Caching;

/// <summary>The second stage of a semantic hit: the measured verifiers shipped for the built-in models (mostly MiniLM's), the other-script rule, and the binding to one embedder.</summary>
public sealed class HitVerifierTests
{
    private static HitDecisionData ShippedMiniLm() => Assert.Single(HitDecisions.All, d => d.EmbedderId.StartsWith("onnx-all-MiniLM-L6-v2-", StringComparison.Ordinal));

    private static HitDecision Verifier() => HitDecision.For(ShippedMiniLm(), useVerifier: true);

    [Theory]
    [InlineData("Is 7 prime?", "Is 9 prime?")]
    [InlineData("What happened in 2023?", "What happened in 2024?")]
    [InlineData("Can I run this on Windows?", "Can't I run this on Windows?")]
    [InlineData("Is it safe to drink tap water in Paris?", "Is it not safe to drink tap water in Paris?")]
    [InlineData("Why did Alice leave Bob?", "Why did Bob leave Alice?")]
    [InlineData("How do I convert Celsius to Fahrenheit?", "How do I convert Fahrenheit to Celsius?")]
    [InlineData("How do I learn C?", "How do I learn C++?")]
    [InlineData("What does a = b mean in Python?", "What does a == b mean in Python?")]
    [InlineData("What percentage of terrorists are Muslim?", "What percentage of Muslims are terrorists?")] // QQP dev, served at 0.984 before the swap rule
    public void Famous_traps_are_refused_even_at_a_cosine_of_0_99(string asked, string stored)
    {
        Assert.False(Verifier().Allows(asked, stored, 0.99));
        Assert.False(Verifier().Allows(stored, asked, 0.99));
    }

    [Fact]
    public void The_README_s_first_rewording_is_served_at_MiniLM_s_cosine() =>
        Assert.True(Verifier().Allows("How can I reset my password?", "How do I reset my password?", 0.9917));

    [Fact]
    public void Texts_equal_but_for_case_spacing_and_punctuation_are_served_whatever_the_model_says() =>
        Assert.True(Verifier().Allows("how do i reset my password", "How do I reset my password?", ShippedMiniLm().Threshold));

    // A review served this once the bar fell to 0.875: "same letters" ignored where words split. At its MiniLM cosine the
    // model refuses it; the rule no longer serves it whatever the model says.
    [Theory]
    [InlineData("Is this in valid JSON?", "Is this invalid JSON?", true)]
    [InlineData("Is it every day?", "Is it everyday?", true)]
    [InlineData("Why don't cats swim?", "Why dont cats swim?", false)]               // "n't" is expanded for the guard, not here
    [InlineData("What is the capital of France ?", "What is the capital of France?", false)]
    [InlineData("How do I gain self-confidence?", "How do I gain self confidence?", false)]
    public void Letters_equal_in_other_words_are_not_the_same_letters(string asked, string stored, bool wordsSplit)
    {
        Span<float> features = stackalloc float[HitFeatures.Count];
        Assert.Equal(!wordsSplit, HitFeatures.ComputeSameLetters(asked, stored, 0.99, features));
    }

    [Fact]
    public void Words_split_differently_are_refused_at_MiniLM_s_cosine() =>
        Assert.False(Verifier().Allows("Is this in valid JSON?", "Is this invalid JSON?", 0.9127));

    [Theory]
    [InlineData("パスワードをリセットする方法は？", "パスワードをリセットする方法は")] // punctuation
    [InlineData("パスワードを リセットする 方法は？", "パスワードをリセットする方法は?")] // spacing, full-width vs ASCII
    [InlineData("パスワードをリセットする方法は何ですか？", "パスワードをリセットする方法は何？")] // polite ending
    [InlineData("会議は終わりましたか", "会議は終わりました")]                                   // a polite past, asked or said
    public void Japanese_near_identical_wording_is_served(string asked, string stored)
    {
        Assert.True(OtherScripts.IsRouted(asked) && OtherScripts.IsRouted(stored));
        Assert.True(Verifier().Allows(asked, stored, 0.99));
    }

    [Theory]
    [InlineData("東京から大阪までの距離は？", "大阪から東京までの距離は？")] // swapped places (PAWS-X's kind of negative)
    [InlineData("7は素数ですか？", "9は素数ですか？")]
    [InlineData("このアプリは無料ですか？", "このアプリは有料ですか？")]
    [InlineData("会議は終わりましたか", "会議は終わりますか")]   // "did it end?" / "will it end?": the polite ending keeps its tense
    [InlineData("電車は出発しましたか", "電車は出発しますか")]
    [InlineData("バッタはどこにいますか", "バッターはどこにいますか")] // a long mark is a letter: grasshopper, batter
    [InlineData("ハッカの育て方は？", "ハッカーの育て方は？")]           // mint, hacker
    public void Japanese_pairs_that_differ_are_refused_even_at_a_cosine_of_0_99(string asked, string stored) =>
        Assert.False(Verifier().Allows(asked, stored, 0.99));

    [Theory]
    [InlineData("C++の勉強方法は？", "C#の勉強方法は？")]
    [InlineData("ＷＨＡＴ ＩＳ Ｃ＋＋？", "What is C#?")] // full-width Latin counts as another script, so this pair is routed too
    public void Routed_pairs_whose_symbols_differ_are_refused(string asked, string stored)
    {
        Assert.True(OtherScripts.IsRouted(asked));
        Assert.Equal(OtherScripts.Key(asked), OtherScripts.Key(stored)); // only the symbols tell them apart
        Assert.False(Verifier().Allows(asked, stored, 0.99));
    }

    [Fact]
    public void No_shipped_verifier_weighs_a_veto_feature()
    {
        // A vetoed pair never reaches the model, so a veto may widen without a new feature version (HitFeatures.Version).
        int[] vetoes = [1, 2, 3];
        Assert.All(vetoes, j => Assert.Contains("_differ", HitFeatures.Names[j], StringComparison.Ordinal));
        Assert.All(HitDecisions.All, decision =>
        {
            var verifier = decision.Verifier!;
            if (verifier.Trees is { } trees)
                Assert.DoesNotContain(trees.SplitFeature, f => vetoes.Contains(f));
            if (verifier.Weights is { } weights)
                Assert.All(vetoes, j => Assert.Equal(0f, weights[j]));
        });
    }

    [Fact]
    public void The_shipped_decision_is_for_the_built_in_model_as_it_loads_today()
    {
        using var embedder = OnnxEmbedder.LoadPackaged(PackagedModel.MiniLm, null, 256);
        var shipped = ShippedMiniLm();
        Assert.Equal(embedder.ModelId, shipped.EmbedderId);
        Assert.True(shipped.Verifier!.MatchesFeatures, "the shipped verifier was trained on other features: re-run bench -- cache-verifier --write");
        Assert.Equal(shipped.Threshold, CacheThresholds.EmbedderDefault(embedder.ModelId, new CacheOptions { Semantic = "on" }));
    }

    [Theory]
    [InlineData("all-MiniLM-L6-v2", "onnx-all-MiniLM-L6-v2-mean-384-")]
    [InlineData("snowflake-arctic-embed-xs", "onnx-snowflake-arctic-embed-xs-cls-384-")]
    public void Each_built_in_model_has_one_shipped_decision_that_names_its_learner_and_stays_small(string model, string idPrefix)
    {
        var shipped = Assert.Single(HitDecisions.All, d => d.EmbedderId.StartsWith(idPrefix, StringComparison.Ordinal));
        Assert.True(shipped.Verifier!.MatchesFeatures);
        Assert.Contains(shipped.Verifier.Learner, new[] { VerifierData.Linear, VerifierData.TreesLearner });
        Assert.Equal(shipped.Verifier.Learner == VerifierData.TreesLearner, shipped.Verifier.Trees is not null);
        using var file = typeof(HitDecisions).Assembly.GetManifestResourceStream($"LlmGateway.Caching.HitDecisions.{model}.json");
        Assert.NotNull(file);
        Assert.InRange(file.Length, 1, 200 * 1024);
    }

    [Fact]
    public void The_measured_point_is_the_default_only_when_it_met_the_goals_or_semantic_is_on()
    {
        var shipped = ShippedMiniLm();
        var id = shipped.EmbedderId;
        Assert.Equal(shipped.MeetsGoals ? shipped.Threshold : null, CacheThresholds.EmbedderDefault(id, new CacheOptions()));
        Assert.Equal(shipped.Threshold, CacheThresholds.EmbedderDefault(id, new CacheOptions { Semantic = "on" }));
        Assert.Null(CacheThresholds.EmbedderDefault(id, new CacheOptions { Semantic = "off" }));
        Assert.Null(CacheThresholds.EmbedderDefault(id, new CacheOptions { Semantic = "on", Verifier = false }));
        Assert.Null(CacheThresholds.EmbedderDefault(id, new CacheOptions { Semantic = "on", LookAlikeGuard = false }));
        Assert.Contains(new CacheOptions { Semantic = "sometimes" }.Validate(), e => e.Contains("Gateway:Cache:Semantic", StringComparison.Ordinal));
    }

    [Fact]
    public void A_decision_measured_for_one_embedder_is_never_used_for_another()
    {
        var shipped = ShippedMiniLm();
        var hashing = new HashingEmbedder(512).ModelId;
        var otherContent = shipped.EmbedderId[..^4] + "0000"; // the same name, other weights

        Assert.Null(HitDecisions.Find(HitDecisions.All, hashing));
        Assert.Null(HitDecisions.Find(HitDecisions.All, otherContent));
        var on = new CacheOptions { Semantic = "on" };
        Assert.Null(CacheThresholds.EmbedderDefault(hashing, on));
        Assert.Null(CacheThresholds.EmbedderDefault(otherContent, on));
        Assert.False(HitDecision.For(HitDecisions.For(otherContent), useVerifier: true).UsesVerifier);
    }

    [Fact]
    public void With_the_verifier_off_or_trained_on_other_features_the_guard_decides_and_there_is_no_default_threshold()
    {
        var shipped = ShippedMiniLm();
        Assert.False(HitDecision.For(shipped, useVerifier: false).UsesVerifier);
        Assert.Null(CacheThresholds.EmbedderDefault(shipped.EmbedderId, new CacheOptions { Semantic = "on", Verifier = false }));

        var stale = shipped with { Verifier = shipped.Verifier! with { FeatureVersion = HitFeatures.Version + 1 } };
        Assert.False(HitDecision.For(stale, useVerifier: true).UsesVerifier);
        // The guard decides: it refuses a rewording with a content word on one side.
        Assert.False(HitDecision.For(stale, useVerifier: true).Allows("How can I earn money online?", "How do I make money online?", 0.99));
    }

    [Fact]
    public void The_probability_is_the_logistic_of_the_standardised_weighted_features()
    {
        var verifier = new VerifierData
        {
            FeatureVersion = HitFeatures.Version,
            Features = HitFeatures.Names,
            Mean = new float[HitFeatures.Count],
            Scale = Enumerable.Repeat(2f, HitFeatures.Count).ToArray(),
            Weights = [4f, .. new float[HitFeatures.Count - 1]],
            Bias = -1f,
            MinProbability = 0.5,
        };
        var features = new float[HitFeatures.Count];
        features[0] = 1f; // z = 4 * (1 / 2) - 1 = 1
        Assert.Equal(1 / (1 + Math.Exp(-1)), verifier.Probability(features), 6);
    }
}
