namespace LlmGateway.Caching.Verified;

/// <summary>
/// The fixed grid of score thresholds the bound chooses among: band <c>i</c> holds scores in
/// <c>[Edges[i], Edges[i + 1])</c>, the last band scores ≥ its edge; a score below the first edge is in no band (never
/// served, never explored). Fixed and small on purpose: the confidence is split over the bands (Bonferroni), so every
/// band added costs evidence, and a grid chosen after seeing data would void the bound.
/// </summary>
internal sealed class ScoreBands
{
    /// <summary>
    /// For <see cref="HitDecision.Score"/> with a measured verifier: a calibrated probability that rarely passes 0.95
    /// (1 = the same letters); QQP dev's candidates spread over 0.5–0.95. Without a verifier the score is the cosine,
    /// which this grid covers only coarsely.
    /// </summary>
    public static ScoreBands Default { get; } = new([0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 1.0]);

    private readonly double[] _edges;

    public ScoreBands(IReadOnlyList<double> edges)
    {
        if (edges.Count == 0)
            throw new ArgumentException("at least one band", nameof(edges));
        for (var i = 1; i < edges.Count; i++)
        {
            if (!(edges[i] > edges[i - 1]))
                throw new ArgumentException("band edges must increase", nameof(edges));
        }
        _edges = [.. edges];
    }

    public int Count => _edges.Length;

    public double Edge(int band) => _edges[band];

    /// <summary>The band of <paramref name="score"/>, or -1 below the first edge (and for NaN).</summary>
    public int Of(double score)
    {
        for (var i = _edges.Length - 1; i >= 0; i--)
        {
            if (score >= _edges[i]) return i;
        }
        return -1;
    }
}
