using System.Text.Json.Serialization;

namespace LlmGateway.Caching;

/// <summary>
/// A boosted tree ensemble (ML.NET FastTree, exported by <c>bench -- cache-verifier --learner trees</c>) flattened into
/// arrays, so a candidate is scored with no allocation: node k of tree t is at <see cref="NodeStart"/>[t] + k, leaf j at
/// <see cref="LeafStart"/>[t] + j. At a node, feature <see cref="SplitFeature"/> ≤ <see cref="Threshold"/> goes to
/// <see cref="Left"/>, else <see cref="Right"/>; a child c ≥ 0 is a node, c &lt; 0 the leaf ~c (ML.NET's encoding).
/// p = 1 / (1 + exp(<see cref="PlattSlope"/> · (bias + Σ leaves) + <see cref="PlattOffset"/>)), as ML.NET's Platt calibrator.
/// </summary>
internal sealed record VerifierTrees
{
    /// <summary>Per tree, where its nodes start; one more entry than trees (the end).</summary>
    [JsonConverter(typeof(CompactArrayConverter<int>))]
    public required int[] NodeStart { get; init; }

    /// <summary>Per tree, where its leaves start; one more entry than trees (the end).</summary>
    [JsonConverter(typeof(CompactArrayConverter<int>))]
    public required int[] LeafStart { get; init; }

    [JsonConverter(typeof(CompactArrayConverter<int>))]
    public required int[] SplitFeature { get; init; }

    [JsonConverter(typeof(CompactArrayConverter<float>))]
    public required float[] Threshold { get; init; }

    [JsonConverter(typeof(CompactArrayConverter<int>))]
    public required int[] Left { get; init; }

    [JsonConverter(typeof(CompactArrayConverter<int>))]
    public required int[] Right { get; init; }

    /// <summary>Leaf outputs, tree weights folded in (doubles: 200 float roundings would cost ~1e-6 of probability).</summary>
    [JsonConverter(typeof(CompactArrayConverter<double>))]
    public required double[] Leaf { get; init; }

    public required double Bias { get; init; }
    public required double PlattSlope { get; init; }
    public required double PlattOffset { get; init; }

    public int Count => NodeStart.Length - 1;

    /// <summary>Every index in range: a file that fails this is refused (the guard decides), never read out of bounds.</summary>
    public bool IsWellFormed(int featureCount)
    {
        var nodes = SplitFeature.Length;
        if (NodeStart.Length < 2 || LeafStart.Length != NodeStart.Length || Threshold.Length != nodes || Left.Length != nodes || Right.Length != nodes
            || NodeStart[0] != 0 || LeafStart[0] != 0 || NodeStart[^1] != nodes || LeafStart[^1] != Leaf.Length)
            return false;
        for (var t = 0; t < Count; t++)
        {
            var nodeCount = NodeStart[t + 1] - NodeStart[t];
            var leafCount = LeafStart[t + 1] - LeafStart[t];
            // A binary tree: one leaf more than nodes; children point forward, so evaluation always ends.
            if (nodeCount < 0 || leafCount != nodeCount + 1)
                return false;
            for (var k = 0; k < nodeCount; k++)
            {
                var at = NodeStart[t] + k;
                if ((uint)SplitFeature[at] >= (uint)featureCount || !ValidChild(Left[at], k, nodeCount, leafCount) || !ValidChild(Right[at], k, nodeCount, leafCount))
                    return false;
            }
        }
        return true;
    }

    private static bool ValidChild(int child, int node, int nodeCount, int leafCount) =>
        child >= 0 ? child > node && child < nodeCount : ~child < leafCount;

    /// <summary>The ensemble's raw score: bias plus one leaf per tree.</summary>
    public double Score(ReadOnlySpan<float> features)
    {
        var sum = Bias;
        var nodeStart = NodeStart;
        var leafStart = LeafStart;
        for (var t = 0; t < nodeStart.Length - 1; t++)
        {
            var first = nodeStart[t];
            // A one-leaf tree has no node: its leaf is ~0.
            var node = nodeStart[t + 1] == first ? ~0 : 0;
            while (node >= 0)
            {
                var at = first + node;
                node = features[SplitFeature[at]] <= Threshold[at] ? Left[at] : Right[at];
            }
            sum += Leaf[leafStart[t] + ~node];
        }
        return sum;
    }

    public double Probability(ReadOnlySpan<float> features) => 1 / (1 + Math.Exp((PlattSlope * Score(features)) + PlattOffset));
}
