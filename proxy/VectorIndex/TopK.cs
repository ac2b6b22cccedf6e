namespace LlmGateway.VectorIndex;

/// <summary>
/// Keeps the <c>k</c> most similar matches seen so far in a caller-provided buffer (a min-heap
/// on similarity, so the weakest kept match is at the root). Used by exact scans.
/// </summary>
internal ref struct TopK
{
    private readonly Span<VectorMatch> _heap;
    private int _count;

    public TopK(Span<VectorMatch> buffer)
    {
        _heap = buffer;
        _count = 0;
    }

    public readonly int Count => _count;

    /// <summary>The similarity a new match must beat to be kept.</summary>
    public readonly float Threshold => _count < _heap.Length ? float.NegativeInfinity : _heap[0].Similarity;

    public void Offer(long id, float similarity)
    {
        if (_count < _heap.Length)
        {
            var i = _count++;
            while (i > 0)
            {
                var parent = (i - 1) >> 1;
                if (_heap[parent].Similarity <= similarity)
                {
                    break;
                }

                _heap[i] = _heap[parent];
                i = parent;
            }

            _heap[i] = new VectorMatch(id, similarity);
            return;
        }

        if (similarity <= _heap[0].Similarity)
        {
            return;
        }

        var j = 0;
        while (true)
        {
            var child = (2 * j) + 1;
            if (child >= _count)
            {
                break;
            }

            if (child + 1 < _count && _heap[child + 1].Similarity < _heap[child].Similarity)
            {
                child++;
            }

            if (_heap[child].Similarity >= similarity)
            {
                break;
            }

            _heap[j] = _heap[child];
            j = child;
        }

        _heap[j] = new VectorMatch(id, similarity);
    }

    /// <summary>Sorts the kept matches most similar first (ties by id) and returns how many there are.</summary>
    public readonly int Complete()
    {
        _heap[.._count].Sort(static (a, b) => a.Similarity != b.Similarity ? b.Similarity.CompareTo(a.Similarity) : a.Id.CompareTo(b.Id));
        return _count;
    }
}
