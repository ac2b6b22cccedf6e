using System.Numerics.Tensors;
using LlmGateway.Caching;
using LlmGateway.Embeddings;

namespace LlmGateway.Bench.Caching;

/// <summary>One labelled pair as the verifier sees it: its split part, the embedder's cosine, the guard's verdict and the features.</summary>
internal sealed record VerifierSample(string Set, LabelledPair Pair, QualitySplit.Part Part, double Cosine, bool GuardAllows, bool Routed, float[] Features, bool SameLetters)
{
    public bool Duplicate => Pair.Duplicate;

    /// <summary>Refused by the guard's exact rules before the learned part is asked (<see cref="HitFeatures.Vetoed"/>).</summary>
    public bool Vetoed => HitFeatures.Vetoed(Features);

    /// <summary>Samples of one set; <paramref name="embedder"/> is the bench's <see cref="VectorCache"/>, so a re-run does not embed again.</summary>
    /// <param name="train">False: the set is only chosen and measured on (dev and held-out halves), never trained on.</param>
    public static async Task<List<VerifierSample>> LoadAsync(string set, IReadOnlyList<LabelledPair> pairs, ITextEmbedder embedder, bool train)
    {
        var cosines = await CosinesAsync(pairs, embedder);
        var parts = QualitySplit.Assign(pairs, train);
        var samples = new List<VerifierSample>(pairs.Count);
        for (var i = 0; i < pairs.Count; i++)
        {
            var p = pairs[i];
            var features = new float[HitFeatures.Count];
            // SameLetters: equal but for case, spacing and punctuation, the gateway's rule (served without asking the verifier).
            var sameLetters = HitFeatures.ComputeSameLetters(p.B, p.A, cosines[i], features);
            samples.Add(new VerifierSample(set, p, parts[i], cosines[i], LookAlikeGuard.Allows(p.B, p.A), OtherScripts.IsRouted(p.A) || OtherScripts.IsRouted(p.B), features, sameLetters));
        }
        return samples;
    }

    private static async Task<double[]> CosinesAsync(IReadOnlyList<LabelledPair> pairs, ITextEmbedder embedder)
    {
        var cosines = new double[pairs.Count];
        var done = 0;
        foreach (var chunk in pairs.Chunk(256))
        {
            var vectors = await embedder.EmbedBatchAsync(chunk.SelectMany(p => new[] { p.A, p.B }).ToArray(), default);
            for (var i = 0; i < chunk.Length; i++)
                cosines[done + i] = TensorPrimitives.Dot(vectors[2 * i], vectors[(2 * i) + 1]);
            done += chunk.Length;
        }
        return cosines;
    }
}
