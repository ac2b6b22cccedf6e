using LlmGateway.Caching;
using Microsoft.ML;
using Microsoft.ML.Calibrators;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;
using Microsoft.ML.Trainers.FastTree;

namespace LlmGateway.Bench.Caching;

/// <summary>
/// Trains the hit verifier with ML.NET — L-BFGS logistic regression on standardised <see cref="HitFeatures"/>, or FastTree
/// boosted trees on the raw features, both Platt-calibrated — and exports it as <see cref="VerifierData"/>, the numbers the
/// gateway evaluates without ML.NET. Each export reports its largest gap to ML.NET's own probability on the training rows.
/// </summary>
internal static class VerifierTrainer
{
    /// <summary>
    /// FastTree's size: 200 trees of 8 leaves (≥ 50 pairs each, learning rate 0.05) keeps the decision file near 50 KB and a
    /// candidate at a few µs. On 24k QQP pairs 16 leaves (≥ 20, rate 0.1) overfit: dev QQP recall 0.006 at the precision bars
    /// against 0.101 (2026-12-02, run in proxy/Caching/README.md).
    /// </summary>
    public const int Trees = 200;
    public const int Leaves = 8;
    public const int MinLeaf = 50;
    public const double LearningRate = 0.05;

    private sealed class Row
    {
        public float[] Features { get; set; } = [];
        public bool Label { get; set; }
    }

    private sealed class Prediction
    {
        public float Probability { get; set; }
    }

    public static (VerifierData Verifier, double MaxDifference) Train(string learner, IReadOnlyList<VerifierSample> train, int seed, TreeOptions? trees = null) => learner switch
    {
        VerifierData.Linear => TrainLinear(train.Select(s => (s.Features, s.Duplicate)).ToList(), seed),
        VerifierData.TreesLearner => TrainTrees(train.Select(s => (s.Features, s.Duplicate)).ToList(), seed, trees),
        _ => throw new ArgumentException($"unknown learner {learner}", nameof(learner)),
    };

    public static (VerifierData Verifier, double MaxDifference) TrainLinear(IReadOnlyList<(float[] Features, bool Label)> train, int seed)
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
        var data = Load(ml, train.Select(s => new Row { Features = Standardise(s.Features), Label = s.Label }));
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
        var verifier = new VerifierData
        {
            FeatureVersion = HitFeatures.Version,
            Features = HitFeatures.Names,
            Learner = VerifierData.Linear,
            Mean = mean,
            Scale = scale,
            Weights = linear.Weights.Select(w => (float)(-platt.Slope * w)).ToArray(),
            Bias = (float)(-(platt.Slope * linear.Bias + platt.Offset)),
            MinProbability = 0.5,
        };
        return (verifier, MaxGap(ml, model.Transform(data), train, verifier));
    }

    /// <summary>FastTree's knobs (the bench's <c>--trees</c>, <c>--leaves</c>, <c>--min-leaf</c>, <c>--learning-rate</c>).</summary>
    public sealed record TreeOptions(int Trees = Trees, int Leaves = Leaves, int MinLeaf = MinLeaf, double LearningRate = LearningRate);

    /// <summary>
    /// Boosted trees on 4 rows of 5 and Platt's calibration fitted on the fifth: calibrated on the rows the trees learned,
    /// the probabilities crowd near 0 and 1 (the trees fit those rows), which helps neither the grid that picks the minimum
    /// probability nor an error bound built on the score.
    /// </summary>
    public static (VerifierData Verifier, double MaxDifference) TrainTrees(IReadOnlyList<(float[] Features, bool Label)> train, int seed, TreeOptions? options = null)
    {
        options ??= new TreeOptions();
        var ml = new MLContext(seed);
        var data = Load(ml, train.Select(s => new Row { Features = s.Features, Label = s.Label }));
        var fit = Load(ml, train.Where((_, i) => i % 5 != 4).Select(s => new Row { Features = s.Features, Label = s.Label }));
        var held = Load(ml, train.Where((_, i) => i % 5 == 4).Select(s => new Row { Features = s.Features, Label = s.Label }));
        var trainer = ml.BinaryClassification.Trainers.FastTree(new FastTreeBinaryTrainer.Options
        {
            LabelColumnName = nameof(Row.Label),
            FeatureColumnName = nameof(Row.Features),
            NumberOfTrees = options.Trees,
            NumberOfLeaves = options.Leaves,
            MinimumExampleCountPerLeaf = options.MinLeaf,
            LearningRate = options.LearningRate,
            NumberOfThreads = 1, // deterministic, and the machine is shared
            Seed = seed,
        });
        var model = trainer.Fit(fit);
        var ensemble = model.Model.SubModel.TrainedTreeEnsemble;
        var calibrator = ml.BinaryClassification.Calibrators.Platt(labelColumnName: nameof(Row.Label), scoreColumnName: "Score").Fit(model.Transform(held));
        var platt = ((ISingleFeaturePredictionTransformer<PlattCalibrator>)calibrator).Model;

        var nodeStart = new List<int> { 0 };
        var leafStart = new List<int> { 0 };
        var split = new List<int>();
        var threshold = new List<float>();
        var left = new List<int>();
        var right = new List<int>();
        var leaf = new List<double>();
        for (var t = 0; t < ensemble.Trees.Count; t++)
        {
            var tree = ensemble.Trees[t];
            if (tree.CategoricalSplitFlags.Any(c => c))
                throw new InvalidOperationException("a categorical split: the features are all numeric");
            split.AddRange(tree.NumericalSplitFeatureIndexes);
            threshold.AddRange(tree.NumericalSplitThresholds);
            left.AddRange(tree.LeftChild);
            right.AddRange(tree.RightChild);
            var weight = ensemble.TreeWeights[t];
            leaf.AddRange(tree.LeafValues.Select(v => v * weight));
            nodeStart.Add(split.Count);
            leafStart.Add(leaf.Count);
        }
        var verifier = new VerifierData
        {
            FeatureVersion = HitFeatures.Version,
            Features = HitFeatures.Names,
            Learner = VerifierData.TreesLearner,
            Trees = new VerifierTrees
            {
                NodeStart = [.. nodeStart],
                LeafStart = [.. leafStart],
                SplitFeature = [.. split],
                Threshold = [.. threshold],
                Left = [.. left],
                Right = [.. right],
                Leaf = [.. leaf],
                Bias = ensemble.Bias,
                PlattSlope = platt.Slope,
                PlattOffset = platt.Offset,
            },
            MinProbability = 0.5,
        };
        if (!verifier.MatchesFeatures)
            throw new InvalidOperationException("the exported trees are not well formed (VerifierTrees.IsWellFormed)");
        return (verifier, MaxGap(ml, calibrator.Transform(model.Transform(data)), train, verifier));
    }

    private static IDataView Load(MLContext ml, IEnumerable<Row> rows)
    {
        var schema = SchemaDefinition.Create(typeof(Row));
        schema[nameof(Row.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, HitFeatures.Count);
        return ml.Data.LoadFromEnumerable(rows.ToList(), schema);
    }

    private static double MaxGap(MLContext ml, IDataView scored, IReadOnlyList<(float[] Features, bool Label)> rows, VerifierData verifier)
    {
        var predicted = ml.Data.CreateEnumerable<Prediction>(scored, reuseRowObject: false).Select(p => (double)p.Probability).ToArray();
        return rows.Select((s, i) => Math.Abs(verifier.Probability(s.Features) - predicted[i])).Max();
    }
}
