namespace LlmGateway.VectorIndex;

/// <summary>
/// Insert. A node is written completely (vector, id, level, its own link lists on every layer)
/// before any other node links to it, so a concurrent search never reaches a half-linked node.
/// </summary>
internal sealed partial class HnswIndex
{
    /// <summary>
    /// Adds <paramref name="vector"/> under <paramref name="id"/>. Thread-safe; may run in
    /// parallel with other inserts, deletes and searches. Throws <see cref="ArgumentException"/>
    /// (index unchanged) for a wrong dimension, NaN/∞ components, a zero vector or an id
    /// already present. The vector is stored normalised to unit length.
    /// </summary>
    /// <remarks>
    /// With <paramref name="hint"/> (the beam of a search for this same vector on this graph), a node that lives on
    /// layer 0 only (all but ≈ 1/M of them) takes its neighbours from that beam instead of searching again; nodes
    /// inserted since the search are not among them, as with any insert that runs beside others.
    /// </remarks>
    public void Insert(long id, ReadOnlySpan<float> vector, InsertHint? hint = null)
    {
        var squaredNorm = VectorMath.Validate(vector, _dimension, nameof(vector));
        _structureGate.EnterReadLock();
        try
        {
            var node = Reserve(id);
            VectorMath.CopyNormalised(vector, squaredNorm, _vectors.Row(node));
            if (_codes is not null)
            {
                EncodeRow(_codes, node);
            }

            _ids.At(node) = id;
            var level = LevelFor(id);
            _levels.At(node) = (byte)level;
            if (level > 0)
            {
                Volatile.Write(ref _upperLinks.At(node), new int[level * (1 + _m)]);
            }

            if (!LinkFromHint(node, level, hint))
            {
                Link(node, level);
            }
        }
        finally
        {
            _structureGate.ExitReadLock();
        }
    }

    /// <summary>Claims the id and a node slot; throws (nothing claimed) when the id is present.</summary>
    private int Reserve(long id)
    {
        lock (_idLock)
        {
            if (_nodeById.ContainsKey(id))
            {
                throw new ArgumentException($"Id {id} is already in the index; delete it first to update it.", nameof(id));
            }

            var node = _nodeCount;
            _ids.EnsureCapacity(node + 1);
            _vectors.EnsureCapacity(node + 1);
            _links0.EnsureCapacity(node + 1);
            _upperLinks.EnsureCapacity(node + 1);
            _levels.EnsureCapacity(node + 1);
            _deleted.EnsureCapacity(node + 1);
            _codes?.EnsureCapacity(node + 1);
            _nodeById.Add(id, node);
            Volatile.Write(ref _nodeCount, node + 1);
            return node;
        }
    }

    private void Link(int node, int level)
    {
        var entry = Volatile.Read(ref _entry);
        if (entry == EmptyEntry)
        {
            lock (_entryLock)
            {
                if (_entry == EmptyEntry)
                {
                    Volatile.Write(ref _entry, PackEntry(node, level));
                    return;
                }

                entry = _entry;
            }
        }

        // Construction always measures on the floats: the graph's quality does not depend on
        // whether searches later walk on codes.
        var distance = new FloatDistance(this, _vectors.Row(node));
        var entryNode = (int)entry;
        var entryLevel = (int)(entry >> 32);
        var current = entryNode;
        var currentDistance = distance.To(current);
        for (var l = entryLevel; l > level; l--)
        {
            (current, currentDistance) = GreedyClosest(ref distance, current, currentDistance, l);
        }

        // Phase 1: choose neighbours on every layer and write this node's own lists. Nobody can
        // reach the node yet, so its lists are complete before it becomes visible.
        var top = Math.Min(level, entryLevel);
        var chosen = new int[top + 1][];
        var context = _contexts.Rent(_ids.Capacity);
        try
        {
            context.Candidates.Push(currentDistance, current);
            context.TryVisit(current);
            for (var l = top; l >= 0; l--)
            {
                SearchLayer(context, ref distance, l, _efConstruction, filter: null, forQuery: false);
                var found = SortedResults(context.Results);
                chosen[l] = SelectNeighbours(found, _m);
                lock (NodeLock(node))
                {
                    WriteLinks(Links(node, l), chosen[l]);
                }

                // The next layer starts from everything found on this one.
                context.Reseed(found, _ids.Capacity);
            }
        }
        finally
        {
            _contexts.Return(context);
        }

        // Phase 2: publish back-links; from here searches can reach the node.
        for (var l = top; l >= 0; l--)
        {
            foreach (var neighbour in chosen[l])
            {
                AddBackLink(neighbour, node, l);
            }
        }

        if (level > entryLevel)
        {
            lock (_entryLock)
            {
                if (level > (int)(_entry >> 32))
                {
                    Volatile.Write(ref _entry, PackEntry(node, level));
                }
            }
        }
    }

    /// <summary>Links a layer-0 node to neighbours chosen from a search's beam; false when the hint cannot be used.</summary>
    private bool LinkFromHint(int node, int level, InsertHint? hint)
    {
        if (level != 0 || hint is null || !ReferenceEquals(hint.Graph, this) || Volatile.Read(ref _entry) == EmptyEntry)
        {
            return false;
        }

        // The beam's distances may have been measured on codes: measure them again on the floats, as construction does.
        var distance = new FloatDistance(this, _vectors.Row(node));
        var found = new Candidate[hint.Nodes.Length];
        for (var i = 0; i < found.Length; i++)
        {
            found[i] = new Candidate(distance.To(hint.Nodes[i]), hint.Nodes[i]);
        }

        Array.Sort(found, static (a, b) => a.Distance.CompareTo(b.Distance));
        var chosen = SelectNeighbours(found, _m);
        lock (NodeLock(node))
        {
            WriteLinks(Links(node, 0), chosen);
        }

        foreach (var neighbour in chosen)
        {
            AddBackLink(neighbour, node, 0);
        }

        return true;
    }

    private static Candidate[] SortedResults(CandidateHeap results)
    {
        var sorted = new Candidate[results.Count];
        for (var i = sorted.Length - 1; i >= 0; i--)
        {
            sorted[i] = results.Pop();
        }

        return sorted;
    }

    /// <summary>
    /// The neighbour-selection heuristic (algorithm 4 of the paper): walk candidates nearest
    /// first and keep one only if it is closer to the base than to every node already kept.
    /// </summary>
    private int[] SelectNeighbours(ReadOnlySpan<Candidate> sortedCandidates, int max)
    {
        if (sortedCandidates.Length <= max)
        {
            var all = new int[sortedCandidates.Length];
            for (var i = 0; i < all.Length; i++)
            {
                all[i] = sortedCandidates[i].Node;
            }

            return all;
        }

        Span<int> kept = stackalloc int[max];
        var count = 0;
        foreach (var candidate in sortedCandidates)
        {
            var good = true;
            for (var j = 0; j < count; j++)
            {
                if (Distance(candidate.Node, kept[j]) < candidate.Distance)
                {
                    good = false;
                    break;
                }
            }

            if (good)
            {
                kept[count++] = candidate.Node;
                if (count == max)
                {
                    break;
                }
            }
        }

        return kept[..count].ToArray();
    }

    /// <summary>Adds <paramref name="node"/> to <paramref name="target"/>'s list, pruning with the heuristic when full.</summary>
    private void AddBackLink(int target, int node, int level)
    {
        var max = MaxLinks(level);
        lock (NodeLock(target))
        {
            var links = Links(target, level);
            var count = links[0];
            for (var i = 1; i <= count; i++)
            {
                if (links[i] == node)
                {
                    return;
                }
            }

            if (count < max)
            {
                Volatile.Write(ref links[count + 1], node);
                Volatile.Write(ref links[0], count + 1);
                return;
            }

            var candidates = new Candidate[count + 1];
            for (var i = 0; i < count; i++)
            {
                candidates[i] = new Candidate(Distance(target, links[i + 1]), links[i + 1]);
            }

            candidates[count] = new Candidate(Distance(target, node), node);
            Array.Sort(candidates, static (a, b) => a.Distance.CompareTo(b.Distance));
            WriteLinks(links, SelectNeighbours(candidates, max));
        }
    }

    /// <summary>Replaces a link list: ids first, then the count, each with a release write.</summary>
    private static void WriteLinks(Span<int> links, ReadOnlySpan<int> neighbours)
    {
        for (var i = 0; i < neighbours.Length; i++)
        {
            Volatile.Write(ref links[i + 1], neighbours[i]);
        }

        Volatile.Write(ref links[0], neighbours.Length);
    }
}
