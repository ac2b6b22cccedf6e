using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;

namespace LlmGateway.VectorIndex;

/// <summary>The two ways a walk measures distance: float rows, or int8 codes with their scale.</summary>
internal sealed partial class HnswIndex
{
    private const int CacheLine = 64;

    /// <summary>Cache lines of a float row prefetched ahead; the hardware streamer fetches the rest once it sees the run.</summary>
    private const int FloatPrefetchLines = 2;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void PrefetchLines(ref byte start, int lines)
    {
        if (Sse.IsSupported)
        {
            var p = (byte*)Unsafe.AsPointer(ref start);
            for (var i = 0; i < lines; i++)
            {
                Sse.Prefetch0(p + (i * CacheLine));
            }
        }
    }

    /// <summary>Exact distance on the stored unit vectors.</summary>
    private readonly ref struct FloatDistance : INodeDistance
    {
        private readonly PagedArray<float> _vectors;
        private readonly ReadOnlySpan<float> _query;

        public FloatDistance(HnswIndex index, ReadOnlySpan<float> query)
        {
            _vectors = index._vectors;
            _query = query;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public float To(int node) => 1f - VectorMath.Dot(_query, _vectors.Row(node));

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Prefetch(int node) =>
            PrefetchLines(ref Unsafe.As<float, byte>(ref MemoryMarshal.GetReference(_vectors.Row(node))), FloatPrefetchLines);
    }

    /// <summary>
    /// Approximate distance on int8 codes. A code row is the dimension's codes followed by the
    /// row's float scale, so one row read brings both.
    /// </summary>
    private readonly ref struct Int8Distance : INodeDistance
    {
        private readonly PagedArray<sbyte> _codes;
        private readonly ReadOnlySpan<sbyte> _query;
        private readonly float _queryScale;
        private readonly int _lines;

        public Int8Distance(PagedArray<sbyte> codes, ReadOnlySpan<sbyte> query, float queryScale)
        {
            _codes = codes;
            _query = query;
            _queryScale = queryScale;
            _lines = (codes.RowWidth + CacheLine - 1) / CacheLine;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public float To(int node)
        {
            var row = _codes.Row(node);
            var scale = Unsafe.ReadUnaligned<float>(ref Unsafe.As<sbyte, byte>(ref row[_query.Length]));
            return 1f - (_queryScale * scale * Int8Codes.Dot(_query, row[.._query.Length]));
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Prefetch(int node) =>
            PrefetchLines(ref Unsafe.As<sbyte, byte>(ref MemoryMarshal.GetReference(_codes.Row(node))), _lines);
    }

    /// <summary>Writes the int8 code row of <paramref name="node"/> from its stored vector.</summary>
    private void EncodeRow(PagedArray<sbyte> codes, int node)
    {
        var row = codes.Row(node);
        var scale = Int8Codes.Encode(_vectors.Row(node), row[.._dimension]);
        Unsafe.WriteUnaligned(ref Unsafe.As<sbyte, byte>(ref row[_dimension]), scale);
    }
}
