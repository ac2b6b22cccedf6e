using LlmGateway.Bench.Caching;
using LlmGateway.Caching;

namespace LlmGateway.Tests.Caching;

/// <summary>
/// The exported verifiers evaluate as ML.NET does: both learners trained on the same synthetic rows (a noisy rule over
/// the features, seeded), then the gateway's own evaluation (no ML.NET) compared with ML.NET's probability, before and after
/// the decision file's JSON round trip.
/// </summary>
public sealed class VerifierTrainerTests
{
    private static List<(float[] Features, bool Label)> Rows(int count, int seed)
    {
        var random = new Random(seed);
        var rows = new List<(float[], bool)>(count);
        for (var i = 0; i < count; i++)
        {
            var x = new float[HitFeatures.Count];
            for (var j = 0; j < x.Length; j++)
                x[j] = (float)random.NextDouble();
            // Cosine helps, unshared words hurt, with an interaction and 10 % label noise (as QQP's labels have).
            var duplicate = (x[0] * 2) - x[5] - (x[0] * x[10]) > 0.3;
            rows.Add((x, random.NextDouble() < 0.1 ? !duplicate : duplicate));
        }
        return rows;
    }

    [Theory]
    [InlineData(VerifierData.Linear)]
    [InlineData(VerifierData.TreesLearner)]
    public void The_exported_verifier_gives_ML_NET_s_probability_to_1e_6_and_survives_its_file(string learner)
    {
        var rows = Rows(3000, 7);
        var (verifier, gap) = learner == VerifierData.Linear ? VerifierTrainer.TrainLinear(rows, 12) : VerifierTrainer.TrainTrees(rows, 12);

        Assert.Equal(learner, verifier.Learner);
        Assert.True(verifier.MatchesFeatures);
        Assert.InRange(gap, 0, 1e-6);
        if (learner == VerifierData.TreesLearner)
        {
            Assert.Equal(VerifierTrainer.Trees, verifier.Trees!.Count);
            Assert.Null(verifier.Weights);
        }

        var decision = new HitDecisionData { EmbedderId = "test", Threshold = 0.9, Verifier = verifier };
        var json = decision.ToJson();
        Assert.InRange(json.Length, 1, 200 * 1024);
        var parsed = HitDecisionData.Parse(json);
        Assert.True(HitDecision.For(parsed, useVerifier: true).UsesVerifier); // the gateway loads either kind
        var read = parsed.Verifier!;
        Assert.True(read.MatchesFeatures);
        Assert.Equal(learner, read.Learner);
        foreach (var (features, _) in rows.Take(500))
            Assert.Equal(verifier.Probability(features), read.Probability(features));
        // It learned the rule, not noise: the probability orders a clear duplicate above a clear non-duplicate.
        var clear = new float[HitFeatures.Count];
        clear[0] = 0.95f;
        var unlike = new float[HitFeatures.Count];
        unlike[0] = 0.2f;
        unlike[5] = 0.9f;
        Assert.True(read.Probability(clear) > 0.7 && read.Probability(unlike) < 0.3, $"{read.Probability(clear)} / {read.Probability(unlike)}");
    }
}
