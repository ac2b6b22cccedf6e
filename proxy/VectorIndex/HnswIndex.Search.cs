using System.Runtime.CompilerServices;

namespace LlmGateway.VectorIndex;

/// <summary>Search: greedy descent to layer 1, a beam on layer 1, then the beam search on layer 0. No locks.</summary>
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
    public int Search(ReadOnlySpan<float> query, Span<VectorMatch> destination, int efSearch = 0, Func<long, bool>? filter = null) =>
        Search(query, destination, efSearch, filter, out _, keepHint: false);

    /// <summary>
    /// As <see cref="Search(ReadOnlySpan{float}, Span{VectorMatch}, int, Func{long, bool}?)"/>, and keeps the walk's
    /// layer-0 beam in <paramref name="hint"/> for <see cref="Insert(long, ReadOnlySpan{float}, InsertHint?)"/> of the same vector.
    /// </summary>
    public int Search(ReadOnlySpan<float> query, Span<VectorMatch> destination, int efSearch, out InsertHint? hint) =>
        Search(query, destination, efSearch, filter: null, out hint, keepHint: true);

    private int Search(ReadOnlySpan<float> query, Span<VectorMatch> destination, int efSearch, Func<long, bool>? filter, out InsertHint? hint, bool keepHint)
    {
        hint = null;
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
            if (_codes is null)
            {
                var exact = new FloatDistance(this, q);
                Walk(context, ref exact, entry, ef, filter);
                hint = keepHint ? Hint(context.Results) : null;
                return TakeNearest(context.Results, destination);
            }

            var queryScale = Int8Codes.Encode(q, context.QueryCodes);
            var approximate = new Int8Distance(_codes, context.QueryCodes, queryScale);
            Walk(context, ref approximate, entry, ef, filter);
            hint = keepHint ? Hint(context.Results) : null;
            return Rerank(context.Results, q, destination);
        }
        finally
        {
            _contexts.Return(context);
        }
    }

    /// <summary>
    /// Greedy descent to layer 1, a beam of up to <see cref="UpperLayerBeam"/> on layer 1, then the
    /// beam search on layer 0 seeded with all of layer 1's beam; leaves the result in <c>context.Results</c>.
    /// </summary>
    /// <remarks>
    /// The paper descends greedily (a beam of 1) down to layer 0. On clustered data the single node
    /// that descent ends on is often in the wrong cluster, and a narrow layer-0 beam cannot leave
    /// it: at 1M clustered vectors and efSearch 32, recall@10 went from 0.90 (p50 0.20 ms) to 1.00
    /// (0.28–0.31 ms) with a beam of 32 on layer 1 (see README.md).
    /// </remarks>
    private void Walk<TDistance>(SearchContext context, scoped ref TDistance distance, long entry, int ef, Func<long, bool>? filter)
        where TDistance : INodeDistance, allows ref struct
    {
        var node = (int)entry;
        var nearest = distance.To(node);
        var top = (int)(entry >> 32);
        for (var level = top; level > 1; level--)
        {
            (node, nearest) = GreedyClosest(ref distance, node, nearest, level);
        }

        context.Candidates.Push(nearest, node);
        context.TryVisit(node);
        if (top >= 1)
        {
            SearchLayer(context, ref distance, 1, Math.Min(ef, UpperLayerBeam), filter: null, forQuery: false);
            context.Reseed(context.Results.Items, _ids.Capacity);
        }

        SearchLayer(context, ref distance, 0, ef, filter, forQuery: true);
    }

    private InsertHint? Hint(CandidateHeap results)
    {
        if (results.Count == 0)
        {
            return null;
        }

        var nodes = new int[results.Count];
        var items = results.Items;
        for (var i = 0; i < nodes.Length; i++)
        {
            nodes[i] = items[i].Node;
        }

        return new InsertHint(this, nodes);
    }

    /// <summary>The nearest <c>destination.Length</c> of the beam, most similar first.</summary>
    private int TakeNearest(CandidateHeap results, Span<VectorMatch> destination)
    {
        while (results.Count > destination.Length)
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

    /// <summary>The beam of a walk on codes, measured again on the floats: exact similarities and order.</summary>
    private int Rerank(CandidateHeap results, ReadOnlySpan<float> query, Span<VectorMatch> destination)
    {
        var nearest = new TopK(destination);
        foreach (var candidate in results.Items)
        {
            nearest.Offer(_ids.At(candidate.Node), VectorMath.Dot(query, _vectors.Row(candidate.Node)));
        }

        return nearest.Complete();
    }

    /// <summary>Greedy walk on one upper layer to the node nearest the query.</summary>
    private (int Node, float Distance) GreedyClosest<TDistance>(scoped ref TDistance measure, int node, float distance, int level)
        where TDistance : INodeDistance, allows ref struct
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
                var d = measure.To(neighbour);
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
    private void SearchLayer<TDistance>(SearchContext context, scoped ref TDistance distance, int level, int ef, Func<long, bool>? filter, bool forQuery)
        where TDistance : INodeDistance, allows ref struct
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
                    distance.Prefetch(neighbour);
                }
            }

            for (var i = 0; i < fresh; i++)
            {
                var neighbour = scratch[i];
                var d = distance.To(neighbour);
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
}
