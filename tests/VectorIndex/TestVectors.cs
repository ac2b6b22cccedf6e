using System.Numerics.Tensors;
using LlmGateway.VectorIndex;

namespace LlmGateway.Tests.VectorIndex;

/// <summary>Deterministic unit vectors for tests: uniform on the sphere, or clustered around centres.</summary>
internal static class TestVectors
{
    public static float[][] Uniform(int count, int dimension, int seed)
    {
        var random = new Random(seed);
        var vectors = new float[count][];
        for (var i = 0; i < count; i++)
        {
            vectors[i] = Normalised(Gaussian(random, dimension));
        }

        return vectors;
    }

    /// <summary>
    /// <paramref name="clusters"/> centres; each vector is a centre plus noise of norm ≈ 1 whose
    /// per-component scale decays as 1/sqrt(1 + d/4), like the decaying spectrum of real embeddings.
    /// </summary>
    /// <remarks>The centres depend only on <paramref name="clusters"/> and the dimension, so data and queries drawn with different seeds share them.</remarks>
    public static float[][] Clustered(int count, int dimension, int clusters, int seed)
    {
        var random = new Random(seed);
        var centres = Uniform(clusters, dimension, 7_777 + clusters);
        var vectors = new float[count][];
        for (var i = 0; i < count; i++)
        {
            var centre = centres[random.Next(clusters)];
            var noise = Gaussian(random, dimension);
            for (var d = 0; d < dimension; d++)
            {
                noise[d] /= MathF.Sqrt(1f + (d / 4f));
            }

            Normalised(noise);
            var v = new float[dimension];
            for (var d = 0; d < dimension; d++)
            {
                v[d] = centre[d] + noise[d];
            }

            vectors[i] = Normalised(v);
        }

        return vectors;
    }

    public static float[] Normalised(float[] v)
    {
        var norm = TensorPrimitives.Norm(v);
        TensorPrimitives.Divide(v, norm, v);
        return v;
    }

    /// <summary>Exact top-k by brute force over the given (id, vector) pairs.</summary>
    public static VectorMatch[] BruteForce(IEnumerable<(long Id, float[] Vector)> items, float[] query, int k)
    {
        return items
            .Select(x => new VectorMatch(x.Id, TensorPrimitives.Dot(x.Vector, query)))
            .OrderByDescending(x => x.Similarity)
            .ThenBy(x => x.Id)
            .Take(k)
            .ToArray();
    }

    /// <summary>Fraction of the exact top-k ids that the approximate answer found.</summary>
    public static double Recall(VectorMatch[] exact, VectorMatch[] approximate)
    {
        if (exact.Length == 0)
        {
            return 1;
        }

        var found = approximate.Select(x => x.Id).ToHashSet();
        return exact.Count(x => found.Contains(x.Id)) / (double)exact.Length;
    }

    private static float[] Gaussian(Random random, int dimension)
    {
        var v = new float[dimension];
        for (var d = 0; d < dimension; d++)
        {
            var u1 = 1.0 - random.NextDouble();
            var u2 = random.NextDouble();
            v[d] = (float)(Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2));
        }

        return v;
    }
}
