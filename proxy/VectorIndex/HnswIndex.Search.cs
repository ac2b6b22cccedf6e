using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;

namespace LlmGateway.VectorIndex;

/// <summary>Search: greedy descent through the upper layers, then a beam search on layer 0. No locks.</summary>
internal sealed partial class HnswIndex
{
    /// <summary>
    /// The <paramref name="k"/> nearest live vectors to <paramref name="query"/>, most similar first.
    /// <paramref name="efSearch"/> ≤ 0 uses the configured default; it is raised to k when smaller.
    /// <paramref name="filter"/> (on the caller's id) restricts results; rejected nodes still guide the search.
    /// </summary>
    public VectorMatch[] Search(ReadOnlySpan<float> query, int k, int efSearch = 0, Func<long, bool>? filter = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        var buffer = new VectorMatch[k];
        var found = Search(query, buffer, efSearch, filter);
        return found == k ? buffer : buffer[..found];
    }

    /// <summary>Writes up to <c>destination.Length</c> matches, most similar first; returns how many.</summary>
    public int Search(ReadOnlySpan<float> query, Span<VectorMatch> destination, int efSearch = 0, Func<long, bool>? filter = null)
    {
        var squaredNorm = VectorMath.Validate(query, _dimension, nameof(query));
        var k = destination.Length;
        if (k == 0)
        {
            return 0;
        }

        var entry = Volatile.Read(ref _entry);
        if (entry == EmptyEntry)
        {
            return 0;
        }

        var context = _contexts.Rent(_ids.Capacity);
        try
        {
            ReadOnlySpan<float> q = query;
            if (!VectorMath.IsUnit(squaredNorm))
            {
                VectorMath.CopyNormalised(query, squaredNorm, context.Query);
                q = context.Query;
            }

            var ef = Math.Max(efSearch > 0 ? efSearch : _efSearch, k);
            var node = (int)entry;
            var distance = Distance(q, node);
            for (var level = (int)(entry >> 32); level > 0; level--)
            {
                (node, distance) = GreedyClosest(q, node, distance, level);
            }

            context.Candidates.Push(distance, node);
            context.TryVisit(node);
            SearchLayer(context, q, 0, ef, filter, forQuery: true);

            var results = context.Results;
            while (results.Count > k)
            {
                results.Pop();
            }

            var found = results.Count;
            for (var i = found - 1; i >= 0; i--)
            {
                var best = results.Pop();
                destination[i] = new VectorMatch(_ids.At(best.Node), 1f - best.Distance);
            }

            return found;
        }
        finally
        {
            _contexts.Return(context);
        }
    }

    /// <summary>Greedy walk on one upper layer to the node nearest the query.</summary>
    private (int Node, float Distance) GreedyClosest(ReadOnlySpan<float> query, int node, float distance, int level)
    {
        bool changed;
        do
        {
            changed = false;
            var links = Links(node, level);
            if (links.IsEmpty)
            {
                break;
            }

            var count = Math.Min(Volatile.Read(ref links[0]), links.Length - 1);
            for (var i = 1; i <= count; i++)
            {
                var neighbour = Volatile.Read(ref links[i]);
                var d = Distance(query, neighbour);
                if (d < distance)
                {
                    distance = d;
                    node = neighbour;
                    changed = true;
                }
            }
        }
        while (changed);

        return (node, distance);
    }

    /// <summary>
    /// Beam search on one layer from the candidates already in <c>context.Candidates</c> (and
    /// marked visited). Leaves up to <paramref name="ef"/> nearest accepted nodes in
    /// <c>context.Results</c>. For queries, tombstones and nodes the filter rejects are walked
    /// through but not accepted; construction (<paramref name="forQuery"/> false) accepts all.
    /// </summary>
    private void SearchLayer(SearchContext context, ReadOnlySpan<float> query, int level, int ef, Func<long, bool>? filter, bool forQuery)
    {
        var candidates = context.Candidates;
        var results = context.Results;
        foreach (var seed in candidates.Items)
        {
            if (!forQuery || Accepts(seed.Node, filter))
            {
                results.Push(seed.Distance, seed.Node);
                if (results.Count > ef)
                {
                    results.Pop();
                }
            }
        }

        var bound = results.Count >= ef ? results.Top.Distance : float.PositiveInfinity;
        var scratch = context.NeighbourBuffer(Math.Max(_m0, _m) + 1);
        while (candidates.Count > 0)
        {
            var current = candidates.Pop();
            if (current.Distance > bound)
            {
                break;
            }

            var links = Links(current.Node, level);
            if (links.IsEmpty)
            {
                continue;
            }

            var count = Math.Min(Volatile.Read(ref links[0]), links.Length - 1);
            var fresh = 0;
            for (var i = 1; i <= count; i++)
            {
                var neighbour = Volatile.Read(ref links[i]);
                if (context.TryVisit(neighbour))
                {
                    scratch[fresh++] = neighbour;
                    Prefetch(neighbour);
                }
            }

            for (var i = 0; i < fresh; i++)
            {
                var neighbour = scratch[i];
                var d = Distance(query, neighbour);
                if (d < bound || results.Count < ef)
                {
                    candidates.Push(d, neighbour);
                    if (!forQuery || Accepts(neighbour, filter))
                    {
                        results.Push(d, neighbour);
                        if (results.Count > ef)
                        {
                            results.Pop();
                        }

                        if (results.Count >= ef)
                        {
                            bound = results.Top.Distance;
                        }
                    }
                }
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool Accepts(int node, Func<long, bool>? filter) =>
        !IsDeleted(node) && (filter is null || filter(_ids.At(node)));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private unsafe void Prefetch(int node)
    {
        if (Sse.IsSupported)
        {
            var row = _vectors.Row(node);
            fixed (float* p = row)
            {
                Sse.Prefetch0(p);
                Sse.Prefetch0((byte*)p + 64);
            }
        }
    }
}
