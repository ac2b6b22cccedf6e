using System.Globalization;
using System.Numerics.Tensors;
using LlmGateway.Caching;
using LlmGateway.Embeddings;

namespace LlmGateway.Bench.Caching;

/// <summary>One labelled pair as the verifier sees it: its split part, the embedder's cosine, the guard's verdict and the features.</summary>
internal sealed record VerifierSample(string Set, LabelledPair Pair, QualitySplit.Part Part, double Cosine, bool GuardAllows, bool Routed, float[] Features)
{
    public bool Duplicate => Pair.Duplicate;

    /// <summary>Refused by the guard's exact rules before the learned part is asked (<see cref="HitFeatures.Vetoed"/>).</summary>
    public bool Vetoed => HitFeatures.Vetoed(Features);

    /// <summary>Samples of one set, with cosines read from <paramref name="cacheFolder"/> when this embedder already scored them there.</summary>
    /// <param name="train">False: the set is only chosen and measured on (dev and held-out halves), never trained on.</param>
    public static async Task<List<VerifierSample>> LoadAsync(string set, IReadOnlyList<LabelledPair> pairs, ITextEmbedder embedder, string cacheFolder, bool train)
    {
        var cosines = await CosinesAsync(set, pairs, embedder, cacheFolder);
        var parts = QualitySplit.Assign(pairs, train);
        var samples = new List<VerifierSample>(pairs.Count);
        for (var i = 0; i < pairs.Count; i++)
        {
            var p = pairs[i];
            var features = new float[HitFeatures.Count];
            HitFeatures.Compute(p.B, p.A, cosines[i], features);
            samples.Add(new VerifierSample(set, p, parts[i], cosines[i], LookAlikeGuard.Allows(p.B, p.A), OtherScripts.IsRouted(p.A) || OtherScripts.IsRouted(p.B), features));
        }
        return samples;
    }

    private static async Task<double[]> CosinesAsync(string set, IReadOnlyList<LabelledPair> pairs, ITextEmbedder embedder, string cacheFolder)
    {
        Directory.CreateDirectory(cacheFolder);
        var file = Path.Combine(cacheFolder, $"{embedder.ModelId}.{set}.{pairs.Count}.txt");
        if (File.Exists(file))
        {
            var cached = File.ReadAllLines(file).Select(l => double.Parse(l, CultureInfo.InvariantCulture)).ToArray();
            if (cached.Length == pairs.Count)
                return cached;
        }
        var cosines = new double[pairs.Count];
        var done = 0;
        foreach (var chunk in pairs.Chunk(16))
        {
            var vectors = await embedder.EmbedBatchAsync(chunk.SelectMany(p => new[] { p.A, p.B }).ToArray(), default);
            for (var i = 0; i < chunk.Length; i++)
                cosines[done + i] = TensorPrimitives.Dot(vectors[2 * i], vectors[(2 * i) + 1]);
            done += chunk.Length;
        }
        await File.WriteAllLinesAsync(file, cosines.Select(c => c.ToString("R", CultureInfo.InvariantCulture)));
        return cosines;
    }
}
