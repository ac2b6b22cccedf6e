using System.IO.Hashing;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using System.Text;
using LlmGateway.Caching;
using LlmGateway.Embeddings;

namespace LlmGateway.Bench.Caching;

/// <summary>
/// The questions of one labelled set's split part, ready for <see cref="BoundSimulation"/>: distinct questions (at
/// most a cap, taken pair by pair so every question's labelled partner is there too), their clusters (union-find over
/// duplicate pairs: a cluster is one answer), the labelled non-duplicate pairs (different even inside a cluster), and
/// each question's nearest other questions with cosine and <see cref="HitDecision.Score"/>.
/// </summary>
internal sealed class BoundSet
{
    /// <summary>Nearest questions kept per question: the candidates among those stored at lookup time come from them.</summary>
    public const int Neighbours = 32;

    public required string Name { get; init; }
    public required string[] Questions { get; init; }
    public required int[] Cluster { get; init; }
    public required HashSet<(int, int)> Negatives { get; init; }
    public required Neighbour[][] Nearest { get; init; }
    public int Pairs { get; init; }

    /// <summary>One near question: its index, the cosine and the hit decision's score (asked = the row's question, stored = this one).</summary>
    public readonly record struct Neighbour(int Question, float Cosine, float Score);

    /// <summary>The oracle: a hit of <paramref name="asked"/> on <paramref name="stored"/> is right when both are in one duplicate cluster and not labelled different.</summary>
    public bool Same(int asked, int stored) =>
        Cluster[asked] == Cluster[stored] && !Negatives.Contains((Math.Min(asked, stored), Math.Max(asked, stored)));

    public static async Task<BoundSet> BuildAsync(string name, IReadOnlyList<LabelledPair> pairs, int maxQuestions, int seed, ITextEmbedder embedder, HitDecision decision, string vectorFolder)
    {
        var order = Enumerable.Range(0, pairs.Count).ToArray();
        new Random(seed).Shuffle(order);
        var groups = new TextGroups();
        var texts = new List<string>();
        var kept = new List<(int A, int B, bool Duplicate)>();
        int Id(string text)
        {
            var id = groups.Add(text);
            if (id == texts.Count)
                texts.Add(text);
            return id;
        }
        foreach (var i in order)
        {
            var p = pairs[i];
            var newOnes = (groups.Contains(p.A) ? 0 : 1) + (groups.Contains(p.B) ? 0 : 1);
            if (texts.Count + newOnes > maxQuestions) continue;
            var (a, b) = (Id(p.A), Id(p.B));
            if (a != b) kept.Add((a, b, p.Duplicate));
        }
        foreach (var (a, b, duplicate) in kept)
        {
            if (duplicate) groups.Join(texts[a], texts[b]);
        }
        var negatives = kept.Where(k => !k.Duplicate).Select(k => (Math.Min(k.A, k.B), Math.Max(k.A, k.B))).ToHashSet();

        var vectors = await VectorsAsync(texts, embedder, vectorFolder);
        var nearest = new Neighbour[texts.Count][];
        var cosines = new float[texts.Count];
        var index = new int[texts.Count];
        for (var q = 0; q < texts.Count; q++)
        {
            for (var s = 0; s < texts.Count; s++)
                cosines[s] = s == q ? float.NegativeInfinity : TensorPrimitives.Dot(vectors[q], vectors[s]);
            for (var s = 0; s < index.Length; s++) index[s] = s;
            var top = index.OrderByDescending(s => cosines[s]).Take(Neighbours).ToArray();
            nearest[q] = [.. top.Select(s => new Neighbour(s, cosines[s], (float)decision.Score(texts[q], texts[s], cosines[s])))];
        }
        return new BoundSet
        {
            Name = name,
            Questions = [.. texts],
            Cluster = [.. texts.Select(groups.GroupOf)],
            Negatives = negatives,
            Nearest = nearest,
            Pairs = kept.Count,
        };
    }

    /// <summary>The questions' vectors, cached under <paramref name="folder"/> (never in the repository) by model and texts.</summary>
    private static async Task<float[][]> VectorsAsync(List<string> texts, ITextEmbedder embedder, string folder)
    {
        Directory.CreateDirectory(folder);
        var key = XxHash64.HashToUInt64(Encoding.UTF8.GetBytes(embedder.ModelId + "\n" + string.Join("\n", texts)));
        var file = Path.Combine(folder, $"{key:x16}.f32");
        if (File.Exists(file))
        {
            var bytes = await File.ReadAllBytesAsync(file);
            var all = MemoryMarshal.Cast<byte, float>(bytes).ToArray();
            if (all.Length % texts.Count == 0 && all.Length > 0)
            {
                var dimension = all.Length / texts.Count;
                return [.. Enumerable.Range(0, texts.Count).Select(i => all.AsSpan(i * dimension, dimension).ToArray())];
            }
        }
        var vectors = new List<float[]>(texts.Count);
        foreach (var chunk in texts.Chunk(32))
            vectors.AddRange(await embedder.EmbedBatchAsync(chunk, default));
        await using (var stream = File.Create(file))
        {
            foreach (var v in vectors)
                stream.Write(MemoryMarshal.AsBytes(v.AsSpan()));
        }
        return [.. vectors];
    }
}
