using System.Runtime.CompilerServices;

namespace LlmGateway.VectorIndex;

/// <summary>
/// Binary heap of candidates ordered by distance: nearest on top, or farthest on top when built
/// with <c>farthestOnTop</c>. Reused across searches, so it allocates only when it grows.
/// </summary>
internal sealed class CandidateHeap
{
    private readonly bool _farthestOnTop;
    private Candidate[] _items;

    public CandidateHeap(bool farthestOnTop, int capacity = 64)
    {
        _farthestOnTop = farthestOnTop;
        _items = new Candidate[capacity];
    }

    public int Count { get; private set; }

    public Candidate Top => _items[0];

    public ReadOnlySpan<Candidate> Items => _items.AsSpan(0, Count);

    public void Clear() => Count = 0;

    public void Push(float distance, int node)
    {
        if (Count == _items.Length)
        {
            Array.Resize(ref _items, _items.Length * 2);
        }

        var items = _items;
        var i = Count++;
        while (i > 0)
        {
            var parent = (i - 1) >> 1;
            if (!Before(distance, items[parent].Distance))
            {
                break;
            }

            items[i] = items[parent];
            i = parent;
        }

        items[i] = new Candidate(distance, node);
    }

    public Candidate Pop()
    {
        var items = _items;
        var top = items[0];
        var last = items[--Count];
        var i = 0;
        var half = Count >> 1;
        while (i < half)
        {
            var child = (2 * i) + 1;
            if (child + 1 < Count && Before(items[child + 1].Distance, items[child].Distance))
            {
                child++;
            }

            if (!Before(items[child].Distance, last.Distance))
            {
                break;
            }

            items[i] = items[child];
            i = child;
        }

        if (Count > 0)
        {
            items[i] = last;
        }

        return top;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool Before(float a, float b) => _farthestOnTop ? a > b : a < b;
}
