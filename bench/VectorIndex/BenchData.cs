using System.Numerics.Tensors;

namespace LlmGateway.Bench.VectorIndex;

/// <summary>
/// Deterministic synthetic unit vectors in one contiguous array. "uniform": Gaussian directions
/// (the hardest case, no structure). "clustered": centres plus noise whose per-component scale
/// decays as 1/sqrt(1+d/8), an anisotropic spectrum closer to real sentence embeddings.
/// </summary>
internal static class BenchData
{
    public static float[] Generate(string kind, int count, int dimension, int seed, int clusters = 1000)
    {
        var data = new float[(long)count * dimension];
        float[]? centres = kind == "clustered" ? Generate("uniform", clusters, dimension, seed ^ 0x5EED) : null;
        var scales = new float[dimension];
        for (var d = 0; d < dimension; d++)
        {
            scales[d] = 1f / MathF.Sqrt(1f + (d / 8f));
        }

        var scaleNorm = TensorPrimitives.Norm(scales);
        Parallel.For(0, (count + 4095) / 4096, block =>
        {
            var random = new Random(seed * 7919 + block);
            var end = Math.Min(count, (block + 1) * 4096);
            for (var i = block * 4096; i < end; i++)
            {
                var row = data.AsSpan(i * dimension, dimension);
                FillGaussian(random, row);
                if (centres is not null)
                {
                    var centre = centres.AsSpan(random.Next(clusters) * dimension, dimension);
                    TensorPrimitives.Multiply(row, scales, row);
                    TensorPrimitives.Multiply(row, 1.2f / scaleNorm, row);
                    TensorPrimitives.Add(row, centre, row);
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
            var u1 = 1.0 - random.NextDouble();
            var u2 = random.NextDouble();
            row[d] = (float)(Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2));
        }
    }
}
