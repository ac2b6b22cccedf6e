namespace LlmGateway.VectorIndex;

/// <summary>Exact top-k by scanning contiguous rows with a SIMD dot product.</summary>
internal static class FlatScan
{
    /// <summary>
    /// Scans <paramref name="rows"/> (rows of <paramref name="dimension"/> floats, ids alongside);
    /// rows whose <paramref name="skip"/> flag is non-zero are ignored. Returns matches written, best first.
    /// </summary>
    public static int Search(ReadOnlySpan<float> query, ReadOnlySpan<float> rows, ReadOnlySpan<long> ids, ReadOnlySpan<byte> skip, int dimension, Span<VectorMatch> destination)
    {
        var top = new TopK(destination);
        for (var i = 0; i < ids.Length; i++)
        {
            if (!skip.IsEmpty && skip[i] != 0)
            {
                continue;
            }

            var similarity = VectorMath.Dot(query, rows.Slice(i * dimension, dimension));
            if (similarity > top.Threshold)
            {
                top.Offer(ids[i], similarity);
            }
        }

        return top.Complete();
    }
}
