using LlmGateway.Caching;

namespace LlmGateway.Tests.Caching;

/// <summary>The gateway's flattened tree evaluation (<see cref="VerifierTrees"/>) on trees written by hand, and its refusal of malformed files.</summary>
public sealed class VerifierTreesTests
{
    // Tree 0: x0 <= 0.5 ? leaf 0 (-1) : (x1 <= 0.2 ? leaf 1 (0.5) : leaf 2 (2)); tree 1: one leaf (0.25).
    private static VerifierTrees Sample(int[]? left = null, int[]? split = null) => new()
    {
        NodeStart = [0, 2, 2],
        LeafStart = [0, 3, 4],
        SplitFeature = split ?? [0, 1],
        Threshold = [0.5f, 0.2f],
        Left = left ?? [~0, ~1],
        Right = [1, ~2],
        Leaf = [-1, 0.5, 2, 0.25],
        Bias = 0.1,
        PlattSlope = -1,
        PlattOffset = 0,
    };

    private static float[] Features(float x0, float x1)
    {
        var x = new float[HitFeatures.Count];
        x[0] = x0;
        x[1] = x1;
        return x;
    }

    [Theory]
    [InlineData(0.5f, 0.9f, 0.1 - 1 + 0.25)] // equal to the threshold goes left
    [InlineData(0.6f, 0.2f, 0.1 + 0.5 + 0.25)]
    [InlineData(0.6f, 0.3f, 0.1 + 2 + 0.25)]
    public void Each_tree_adds_the_leaf_its_splits_lead_to(float x0, float x1, double expected)
    {
        var trees = Sample();
        Assert.True(trees.IsWellFormed(HitFeatures.Count));
        Assert.Equal(expected, trees.Score(Features(x0, x1)), 12);
        Assert.Equal(1 / (1 + Math.Exp(-expected)), trees.Probability(Features(x0, x1)), 12);
    }

    [Fact]
    public void Malformed_trees_are_refused_and_the_guard_decides()
    {
        Assert.False(Sample(left: [0, ~1]).IsWellFormed(HitFeatures.Count)); // a child pointing back: evaluation would never end
        Assert.False(Sample(left: [~7, ~1]).IsWellFormed(HitFeatures.Count)); // a leaf out of range
        Assert.False(Sample(split: [0, HitFeatures.Count]).IsWellFormed(HitFeatures.Count)); // a feature out of range

        var verifier = new VerifierData
        {
            FeatureVersion = HitFeatures.Version,
            Features = HitFeatures.Names,
            Learner = VerifierData.TreesLearner,
            Trees = Sample(left: [0, ~1]),
            MinProbability = 0.5,
        };
        Assert.False(verifier.MatchesFeatures);
        Assert.False(HitDecision.For(new HitDecisionData { EmbedderId = "x", Threshold = 0.9, Verifier = verifier }, useVerifier: true).UsesVerifier);
        Assert.True((verifier with { Trees = Sample() }).MatchesFeatures);
        Assert.False((verifier with { Learner = VerifierData.Linear, Trees = Sample() }).MatchesFeatures); // the learner named must be the one present
    }
}
