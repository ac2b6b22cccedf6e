using LlmGateway.Caching;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;

namespace LlmGateway.Bench.Caching;

/// <summary>
/// Trains the hit verifier with ML.NET (L-BFGS logistic regression on standardised <see cref="HitFeatures"/>) and
/// exports it as <see cref="VerifierData"/>, the few numbers the gateway evaluates without ML.NET.
/// </summary>
internal static class VerifierTrainer
{
    private sealed class Row
    {
        public float[] Features { get; set; } = [];
        public bool Label { get; set; }
    }

    private sealed class Prediction
    {
        public float Probability { get; set; }
    }

    /// <summary>The trained verifier (MinProbability still to be chosen) and the largest gap between its probabilities and ML.NET's on <paramref name="train"/>.</summary>
    public static (VerifierData Verifier, double MaxDifference) Train(IReadOnlyList<VerifierSample> train, int seed)
    {
        var n = HitFeatures.Count;
        var mean = new float[n];
        var scale = new float[n];
        for (var j = 0; j < n; j++)
        {
            var m = train.Average(s => (double)s.Features[j]);
            var sd = Math.Sqrt(train.Average(s => (s.Features[j] - m) * (s.Features[j] - m)));
            mean[j] = (float)m;
            scale[j] = sd < 1e-6 ? 1f : (float)sd;
        }
        float[] Standardise(float[] x) => x.Select((v, j) => (v - mean[j]) / scale[j]).ToArray();

        var ml = new MLContext(seed);
        var schema = SchemaDefinition.Create(typeof(Row));
        schema[nameof(Row.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, n);
        var rows = train.Select(s => new Row { Features = Standardise(s.Features), Label = s.Duplicate }).ToList();
        var data = ml.Data.LoadFromEnumerable(rows, schema);
        var trainer = ml.BinaryClassification.Trainers.LbfgsLogisticRegression(new LbfgsLogisticRegressionBinaryTrainer.Options
        {
            LabelColumnName = nameof(Row.Label),
            FeatureColumnName = nameof(Row.Features),
            L2Regularization = 0.1f,
            L1Regularization = 0f,
        });
        var model = trainer.Fit(data);
        var linear = model.Model.SubModel;
        var platt = model.Model.Calibrator;
        // ML.NET's probability is 1 / (1 + exp(slope * score + offset)); fold the calibration into the weights.
        var weights = linear.Weights.Select(w => (float)(-platt.Slope * w)).ToArray();
        var bias = (float)(-(platt.Slope * linear.Bias + platt.Offset));
        var verifier = new VerifierData
        {
            FeatureVersion = HitFeatures.Version,
            Features = HitFeatures.Names,
            Mean = mean,
            Scale = scale,
            Weights = weights,
            Bias = bias,
            MinProbability = 0.5,
        };

        var predicted = ml.Data.CreateEnumerable<Prediction>(model.Transform(data), reuseRowObject: false).Select(p => (double)p.Probability).ToArray();
        var maxDifference = train.Select((s, i) => Math.Abs(verifier.Probability(s.Features) - predicted[i])).Max();
        return (verifier, maxDifference);
    }
}
