using System.Text.Json.Serialization;

namespace LlmGateway.Caching;

/// <summary>
/// The learned part of a hit decision over <see cref="HitFeatures"/>, as exported by <c>bench -- cache-verifier</c>: either
/// a logistic regression (<see cref="Learner"/> <c>linear</c>: p = σ(w·((x − mean) / scale) + b), Platt calibration folded
/// in) or boosted trees (<c>trees</c>: <see cref="VerifierTrees"/>, Platt-calibrated). A hit when p ≥ <see cref="MinProbability"/>.
/// Evaluated without ML.NET; the bench checks the probabilities equal ML.NET's.
/// </summary>
internal sealed record VerifierData
{
    public const string Linear = "linear";
    public const string TreesLearner = "trees";

    public required int FeatureVersion { get; init; }
    public required string[] Features { get; init; }

    /// <summary><c>linear</c> (the default of files written before trees) or <c>trees</c>.</summary>
    public string Learner { get; init; } = Linear;

    public float[]? Mean { get; init; }
    public float[]? Scale { get; init; }
    public float[]? Weights { get; init; }
    public float Bias { get; init; }

    public VerifierTrees? Trees { get; init; }

    public required double MinProbability { get; init; }

    [JsonIgnore]
    public bool MatchesFeatures => FeatureVersion == HitFeatures.Version && Features.SequenceEqual(HitFeatures.Names) && Learner switch
    {
        Linear => Trees is null && Mean?.Length == Features.Length && Scale?.Length == Features.Length && Weights?.Length == Features.Length,
        TreesLearner => Weights is null && Trees is not null && Trees.IsWellFormed(Features.Length),
        _ => false,
    };

    /// <summary>The calibrated probability that the two questions are the same.</summary>
    public double Probability(ReadOnlySpan<float> features)
    {
        if (Trees is { } trees)
            return trees.Probability(features);
        var z = (double)Bias;
        var weights = Weights!;
        var mean = Mean!;
        var scale = Scale!;
        for (var i = 0; i < weights.Length; i++)
            z += weights[i] * ((features[i] - mean[i]) / scale[i]);
        return 1 / (1 + Math.Exp(-z));
    }
}
