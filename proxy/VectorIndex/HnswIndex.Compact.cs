using System.Runtime.InteropServices;

namespace LlmGateway.VectorIndex;

/// <summary>
/// Compaction: a new graph holding only live nodes. Links to tombstones are repaired from the
/// tombstones' own neighbours (two hops) with the selection heuristic, so no vector is
/// re-inserted. The old graph stays valid for searches already running on it.
/// </summary>
internal sealed partial class HnswIndex
{
    /// <summary>
    /// Builds a compacted copy without tombstones. Writers on this index wait while it runs;
    /// searches do not. The caller publishes the returned index in place of this one.
    /// </summary>
    public HnswIndex Compact()
    {
        _structureGate.EnterWriteLock();
        try
        {
            var nodes = _nodeCount;
            var remap = new int[nodes];
            var live = 0;
            for (var node = 0; node < nodes; node++)
            {
                remap[node] = _deleted.At(node) == 0 ? live++ : -1;
            }

            var result = new HnswIndex(_dimension, _m, _efConstruction, _efSearch, _seed, live, QuantizedSearch);
            result.CopyLiveNodes(this, remap, live);
            Parallel.For(0, nodes, node =>
            {
                if (remap[node] >= 0)
                {
                    RepairInto(result, remap, node);
                }
            });
            result.ChooseEntryAfterCompaction(this, remap);
            return result;
        }
        finally
        {
            _structureGate.ExitWriteLock();
        }
    }

    private void CopyLiveNodes(HnswIndex source, int[] remap, int live)
    {
        _ids.EnsureCapacity(live);
        _vectors.EnsureCapacity(live);
        _links0.EnsureCapacity(live);
        _upperLinks.EnsureCapacity(live);
        _levels.EnsureCapacity(live);
        _deleted.EnsureCapacity(live);
        _codes?.EnsureCapacity(live);
        for (var node = 0; node < remap.Length; node++)
        {
            var target = remap[node];
            if (target < 0)
            {
                continue;
            }

            var id = source._ids.At(node);
            var level = source._levels.At(node);
            source._vectors.Row(node).CopyTo(_vectors.Row(target));
            if (_codes is not null)
            {
                EncodeRow(_codes, target);
            }

            _ids.At(target) = id;
            _levels.At(target) = level;
            if (level > 0)
            {
                _upperLinks.At(target) = new int[level * (1 + _m)];
            }

            _nodeById.Add(id, target);
        }

        _nodeCount = live;
    }

    /// <summary>Writes the repaired, remapped link lists of one live <paramref name="node"/> into <paramref name="target"/>.</summary>
    private void RepairInto(HnswIndex target, int[] remap, int node)
    {
        var level = _levels.At(node);
        var candidates = new List<Candidate>();
        var seen = new HashSet<int>();
        for (var l = 0; l <= level; l++)
        {
            var max = MaxLinks(l);
            var links = Links(node, l);
            var count = links[0];
            var hadTombstone = false;
            candidates.Clear();
            seen.Clear();
            seen.Add(node);
            for (var i = 1; i <= count; i++)
            {
                var neighbour = links[i];
                if (remap[neighbour] >= 0)
                {
                    if (seen.Add(neighbour))
                    {
                        candidates.Add(new Candidate(Distance(node, neighbour), neighbour));
                    }

                    continue;
                }

                hadTombstone = true;
                var second = Links(neighbour, l);
                var secondCount = second.IsEmpty ? 0 : second[0];
                for (var j = 1; j <= secondCount && candidates.Count < 3 * max; j++)
                {
                    var hop = second[j];
                    if (remap[hop] >= 0 && seen.Add(hop))
                    {
                        candidates.Add(new Candidate(Distance(node, hop), hop));
                    }
                }
            }

            candidates.Sort(static (a, b) => a.Distance.CompareTo(b.Distance));
            var chosen = hadTombstone
                ? SelectNeighbours(CollectionsMarshal.AsSpan(candidates), max)
                : candidates.ConvertAll(static c => c.Node).ToArray();
            var output = target.Links(remap[node], l);
            for (var i = 0; i < chosen.Length; i++)
            {
                output[i + 1] = remap[chosen[i]];
            }

            output[0] = chosen.Length;
        }
    }

    private void ChooseEntryAfterCompaction(HnswIndex source, int[] remap)
    {
        var entry = source._entry;
        if (entry != EmptyEntry && remap[(int)entry] >= 0)
        {
            _entry = PackEntry(remap[(int)entry], (int)(entry >> 32));
            return;
        }

        var best = -1;
        var bestLevel = -1;
        for (var node = 0; node < _nodeCount; node++)
        {
            if (_levels.At(node) > bestLevel)
            {
                best = node;
                bestLevel = _levels.At(node);
            }
        }

        _entry = best < 0 ? EmptyEntry : PackEntry(best, bestLevel);
    }
}
