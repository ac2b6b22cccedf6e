using System.Numerics.Tensors;

namespace LlmGateway.VectorIndex;

/// <summary>Validation and normalisation of caller vectors; the metric is cosine = dot product of unit vectors.</summary>
internal static class VectorMath
{
    /// <summary>Vectors whose squared norm is within this of 1 are taken as already normalised.</summary>
    private const float UnitTolerance = 1e-4f;

    /// <summary>
    /// Throws <see cref="ArgumentException"/> when the vector cannot be indexed: wrong length,
    /// a NaN or infinite component, or all zeros. Returns its squared L2 norm.
    /// </summary>
    public static float Validate(ReadOnlySpan<float> vector, int dimension, string paramName)
    {
        if (vector.Length != dimension)
        {
            throw new ArgumentException($"Vector has {vector.Length} components; the index expects dimension {dimension}.", paramName);
        }

        for (var i = 0; i < vector.Length; i++)
        {
            if (!float.IsFinite(vector[i]))
            {
                throw new ArgumentException($"Vector component {i} is {vector[i]}; every component must be a finite number.", paramName);
            }
        }

        var squaredNorm = TensorPrimitives.Dot(vector, vector);
        if (!(squaredNorm > 0f) || !float.IsFinite(squaredNorm))
        {
            throw new ArgumentException("Vector has zero (or unrepresentable) length; cosine similarity is undefined for it.", paramName);
        }

        return squaredNorm;
    }

    /// <summary>Copies <paramref name="vector"/> into <paramref name="destination"/> scaled to unit length.</summary>
    public static void CopyNormalised(ReadOnlySpan<float> vector, float squaredNorm, Span<float> destination)
    {
        if (MathF.Abs(squaredNorm - 1f) <= UnitTolerance)
        {
            vector.CopyTo(destination);
        }
        else
        {
            TensorPrimitives.Multiply(vector, 1f / MathF.Sqrt(squaredNorm), destination);
        }
    }

    /// <summary>True when the caller's vector may be used as is (already unit length).</summary>
    public static bool IsUnit(float squaredNorm) => MathF.Abs(squaredNorm - 1f) <= UnitTolerance;
}
