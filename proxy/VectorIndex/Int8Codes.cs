using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace LlmGateway.VectorIndex;

/// <summary>
/// Scalar int8 codes of unit vectors, for the graph walk of a quantized search: each vector
/// is scaled so its largest component maps to ±127, and the dot product of two codes times
/// both scales approximates the float dot product. A code row is a quarter of the float row,
/// so a walk that is bound by memory reads four times fewer cache lines per distance.
/// </summary>
internal static class Int8Codes
{
    private const float Levels = 127f;

    /// <summary>Writes the codes of <paramref name="vector"/>; returns the scale (code × scale ≈ component).</summary>
    public static float Encode(ReadOnlySpan<float> vector, Span<sbyte> codes)
    {
        var largest = MathF.Abs(TensorPrimitives.MaxMagnitude(vector));
        var scale = largest > 0f ? largest / Levels : 1f;
        var inverse = 1f / scale;
        for (var i = 0; i < vector.Length; i++)
        {
            codes[i] = (sbyte)Math.Clamp(MathF.Round(vector[i] * inverse), -Levels, Levels);
        }

        return scale;
    }

    /// <summary>Exact integer dot product of two code rows of equal length.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Dot(ReadOnlySpan<sbyte> a, ReadOnlySpan<sbyte> b)
    {
        ref var x = ref MemoryMarshal.GetReference(a);
        ref var y = ref MemoryMarshal.GetReference(b);
        var length = a.Length;
        var i = 0;
        var sum = 0;
        if (Avx2.IsSupported && length >= 32)
        {
            // Sign-extend 16 codes to 16-bit lanes and multiply-add adjacent pairs into 32-bit
            // lanes: |code| ≤ 127, so a pair sum is ≤ 32,258 and a whole row of the index's
            // largest dimension (8192) sums to ≤ 132 million, far from overflow.
            var low = Vector256<int>.Zero;
            var high = Vector256<int>.Zero;
            for (; i <= length - 32; i += 32)
            {
                var va = Vector256.LoadUnsafe(ref x, (nuint)i);
                var vb = Vector256.LoadUnsafe(ref y, (nuint)i);
                low = Avx2.Add(low, Avx2.MultiplyAddAdjacent(Avx2.ConvertToVector256Int16(va.GetLower()), Avx2.ConvertToVector256Int16(vb.GetLower())));
                high = Avx2.Add(high, Avx2.MultiplyAddAdjacent(Avx2.ConvertToVector256Int16(va.GetUpper()), Avx2.ConvertToVector256Int16(vb.GetUpper())));
            }

            sum = Vector256.Sum(Avx2.Add(low, high));
        }

        for (; i < length; i++)
        {
            sum += Unsafe.Add(ref x, i) * Unsafe.Add(ref y, i);
        }

        return sum;
    }
}
