using System.Numerics.Tensors;

namespace LlmGateway.Bench.VectorIndex;

/// <summary>
/// Deterministic synthetic unit vectors in one contiguous array.
/// "uniform": Gaussian directions, the worst case (no structure; intrinsic dimension = dimension).
/// "clustered": 1000 topic centres; each cluster spreads along its own 10 random directions
/// (scales decaying as 1/(1+i/2), 80% of the noise energy) plus 20% isotropic noise, with the
/// noise as long as the centre (cosine to the centre ≈ 0.7). A low intrinsic dimension per
/// topic, the shape published analyses report for sentence embeddings. Data and queries drawn
/// with different seeds share the centres and directions.
/// </summary>
internal static class BenchData
{
    private const int Clusters = 1000;
    private const int Directions = 10;

    public static float[] Generate(string kind, int count, int dimension, int seed)
    {
        var data = new float[(long)count * dimension];
        var clustered = kind switch
        {
            "clustered" => true,
            "uniform" => false,
            _ => throw new ArgumentException($"--data must be clustered or uniform, not {kind}"),
        };
        var centres = clustered ? Generate("uniform", Clusters, dimension, 0x5EED) : null;
        var directions = clustered ? Generate("uniform", Clusters * Directions, dimension, 0xD1EC) : null;
        var scales = new float[Directions];
        for (var i = 0; i < Directions; i++)
        {
            scales[i] = 1f / (1f + (i / 2f));
        }

        TensorPrimitives.Multiply(scales, MathF.Sqrt(0.8f) / TensorPrimitives.Norm(scales), scales);
        var isotropic = MathF.Sqrt(0.2f / dimension);
        Parallel.For(0, (count + 4095) / 4096, block =>
        {
            var random = new Random((seed * 7919) + block);
            var end = Math.Min(count, (block + 1) * 4096);
            for (var i = block * 4096; i < end; i++)
            {
                var row = data.AsSpan(i * dimension, dimension);
                FillGaussian(random, row);
                if (clustered)
                {
                    var cluster = random.Next(Clusters);
                    TensorPrimitives.Multiply(row, isotropic, row);
                    TensorPrimitives.Add(row, centres.AsSpan(cluster * dimension, dimension), row);
                    for (var d = 0; d < Directions; d++)
                    {
                        var weight = scales[d] * Gaussian(random);
                        var direction = directions.AsSpan(((cluster * Directions) + d) * dimension, dimension);
                        TensorPrimitives.MultiplyAdd(direction, weight, row, row);
                    }
                }

                TensorPrimitives.Divide(row, TensorPrimitives.Norm(row), row);
            }
        });
        return data;
    }

    private static void FillGaussian(Random random, Span<float> row)
    {
        for (var d = 0; d < row.Length; d++)
        {
            row[d] = Gaussian(random);
        }
    }

    private static float Gaussian(Random random)
    {
        var u1 = 1.0 - random.NextDouble();
        var u2 = random.NextDouble();
        return (float)(Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2));
    }
}
