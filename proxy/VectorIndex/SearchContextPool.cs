namespace LlmGateway.VectorIndex;

/// <summary>
/// A lock-free pool of <see cref="SearchContext"/>s: a fixed set of slots taken and returned
/// with interlocked exchanges. When every slot is empty a fresh context is made, so a burst of
/// searches never waits.
/// </summary>
internal sealed class SearchContextPool
{
    private readonly SearchContext?[] _slots = new SearchContext?[Math.Max(4, Environment.ProcessorCount * 2)];
    private readonly int _dimension;

    public SearchContextPool(int dimension) => _dimension = dimension;

    public SearchContext Rent(int nodeCapacity)
    {
        for (var i = 0; i < _slots.Length; i++)
        {
            var context = Interlocked.Exchange(ref _slots[i], null);
            if (context is not null)
            {
                context.Reset(nodeCapacity);
                return context;
            }
        }

        var fresh = new SearchContext(nodeCapacity, _dimension);
        fresh.Reset(nodeCapacity);
        return fresh;
    }

    public void Return(SearchContext context)
    {
        for (var i = 0; i < _slots.Length; i++)
        {
            if (Interlocked.CompareExchange(ref _slots[i], context, null) is null)
            {
                return;
            }
        }
    }

    /// <summary>Bytes held by pooled contexts' visited marks (for memory reports).</summary>
    public long PooledMarkBytes()
    {
        long total = 0;
        foreach (var slot in _slots)
        {
            total += slot?.MarkBytes ?? 0;
        }

        return total;
    }
}
