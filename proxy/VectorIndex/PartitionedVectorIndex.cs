using System.Collections.Concurrent;

namespace LlmGateway.VectorIndex;

/// <summary>
/// The semantic cache's index: vectors grouped by partition key, a search never crossing
/// partitions. A partition with fewer than <see cref="VectorIndexOptions.FlatScanBelow"/> live
/// vectors is scanned exactly; a larger one has its own HNSW graph. Adds into an existing graph
/// run in parallel (the graph locks per node); everything that changes a partition's store
/// (flat adds, promotion, removal, compaction) or snapshots it holds the exclusive side of
/// <see cref="_gate"/>; searches take no lock. See README.md.
/// </summary>
internal sealed partial class PartitionedVectorIndex
{
    private readonly VectorIndexOptions _options;
    /// <summary>Shared: adds into an existing graph. Exclusive: anything that changes a partition's store, or snapshots.</summary>
    private readonly ReaderWriterLockSlim _gate = new(LockRecursionPolicy.NoRecursion);

    /// <summary>Guards <see cref="_partitionById"/> (short holds, under either side of the gate).</summary>
    private readonly Lock _writeLock = new();
    private readonly ConcurrentDictionary<ulong, Partition> _partitions = new();
    private readonly Dictionary<long, ulong> _partitionById = [];
    private readonly float[] _scratch;
    private int _count;

    public PartitionedVectorIndex(VectorIndexOptions options)
    {
        var validation = new VectorIndexOptionsValidator().Validate(null, options);
        if (validation.Failed)
        {
            throw new ArgumentException(validation.FailureMessage, nameof(options));
        }

        _options = options;
        _scratch = new float[options.Dimension];
    }

    public VectorIndexOptions Options => _options;

    /// <summary>Live vectors in all partitions.</summary>
    public int Count => Volatile.Read(ref _count);

    public int PartitionCount => _partitions.Count;

    /// <summary>Live vectors of <paramref name="partition"/> and how it is searched; null when it is empty.</summary>
    public (int Count, PartitionKind Kind)? Describe(ulong partition) =>
        _partitions.TryGetValue(partition, out var p) ? (p.Count, p.Kind) : null;

    public bool Contains(long id)
    {
        lock (_writeLock)
        {
            return _partitionById.ContainsKey(id);
        }
    }

    /// <summary>
    /// Adds <paramref name="vector"/> under <paramref name="id"/> in <paramref name="partition"/>.
    /// Throws <see cref="ArgumentException"/> (index unchanged) for a wrong dimension, NaN/∞
    /// components, a zero vector or an id already present in any partition. Update = Remove + Add.
    /// </summary>
    /// <param name="hint">From <see cref="Search(ulong, ReadOnlySpan{float}, int, out InsertHint?, float, int)"/> of this vector: spares the insert its own search.</param>
    public void Add(long id, ulong partition, ReadOnlySpan<float> vector, InsertHint? hint = null)
    {
        var squaredNorm = VectorMath.Validate(vector, _options.Dimension, nameof(vector));
        if (TryAddToGraph(id, partition, vector, hint))
        {
            return;
        }

        _gate.EnterWriteLock();
        try
        {
            AddExclusive(id, partition, vector, squaredNorm);
        }
        finally
        {
            _gate.ExitWriteLock();
        }
    }

    /// <summary>
    /// The common case once a partition is large: an insert into its graph beside other inserts. The shared
    /// side of the gate keeps the graph from being replaced (compaction, demotion) while the insert runs.
    /// False when the partition has no graph (yet): the caller takes the exclusive path.
    /// </summary>
    private bool TryAddToGraph(long id, ulong partition, ReadOnlySpan<float> vector, InsertHint? hint)
    {
        _gate.EnterReadLock();
        try
        {
            if (!_partitions.TryGetValue(partition, out var target) || target.Store is not HnswIndex graph)
            {
                return false;
            }

            lock (_writeLock)
            {
                if (!_partitionById.TryAdd(id, partition))
                {
                    throw new ArgumentException($"Id {id} is already in the index; remove it first to update it.", nameof(id));
                }
            }

            try
            {
                graph.Insert(id, vector, hint);
            }
            catch
            {
                lock (_writeLock)
                {
                    _partitionById.Remove(id);
                }

                throw;
            }

            Interlocked.Increment(ref _count);
            return true;
        }
        finally
        {
            _gate.ExitReadLock();
        }
    }

    private void AddExclusive(long id, ulong partition, ReadOnlySpan<float> vector, float squaredNorm)
    {
        lock (_writeLock)
        {
            if (_partitionById.ContainsKey(id))
            {
                throw new ArgumentException($"Id {id} is already in the index; remove it first to update it.", nameof(id));
            }

            VectorMath.CopyNormalised(vector, squaredNorm, _scratch);
            if (!_partitions.TryGetValue(partition, out var target))
            {
                target = _options.FlatScanBelow > 1
                    ? new Partition(new FlatPartition(_options.Dimension))
                    : new Partition(new HnswIndex(_options));
                _partitions[partition] = target;
            }

            switch (target.Store)
            {
                case HnswIndex graph:
                    graph.Insert(id, _scratch);
                    break;
                case FlatPartition flat when flat.Count + 1 >= _options.FlatScanBelow:
                    target.Replace(Promote(flat, id, _scratch));
                    break;
                case FlatPartition flat:
                    flat.Add(id, _scratch);
                    break;
            }

            _partitionById.Add(id, partition);
            Interlocked.Increment(ref _count);
        }
    }

    /// <summary>Removes <paramref name="id"/>; false when absent. May compact the partition's graph.</summary>
    public bool Remove(long id)
    {
        _gate.EnterWriteLock();
        try
        {
            return RemoveExclusive(id);
        }
        finally
        {
            _gate.ExitWriteLock();
        }
    }

    private bool RemoveExclusive(long id)
    {
        lock (_writeLock)
        {
            if (!_partitionById.Remove(id, out var key) || !_partitions.TryGetValue(key, out var partition))
            {
                return false;
            }

            Interlocked.Decrement(ref _count);
            switch (partition.Store)
            {
                case FlatPartition flat:
                    flat.Remove(id);
                    break;
                case HnswIndex graph:
                    graph.Delete(id);
                    if (graph.TombstoneFraction > _options.CompactTombstoneFraction)
                    {
                        partition.Replace(CompactOrDemote(graph));
                    }

                    break;
            }

            if (partition.Count == 0)
            {
                _partitions.TryRemove(key, out _);
            }

            return true;
        }
    }

    /// <summary>
    /// The <paramref name="k"/> most similar vectors of <paramref name="partition"/> with
    /// similarity ≥ <paramref name="minSimilarity"/>, best first. Lock-free; safe alongside writers.
    /// Throws <see cref="ArgumentException"/> for an invalid query vector.
    /// </summary>
    public VectorMatch[] Search(ulong partition, ReadOnlySpan<float> query, int k, float minSimilarity = float.NegativeInfinity, int efSearch = 0) =>
        Search(partition, query, k, out _, minSimilarity, efSearch, keepHint: false);

    /// <summary>
    /// As <see cref="Search(ulong, ReadOnlySpan{float}, int, float, int)"/>; when the partition is a graph,
    /// <paramref name="hint"/> keeps the search's beam for an <see cref="Add"/> of this same vector (a cache miss stores
    /// the question it just looked up).
    /// </summary>
    public VectorMatch[] Search(ulong partition, ReadOnlySpan<float> query, int k, out InsertHint? hint, float minSimilarity = float.NegativeInfinity, int efSearch = 0) =>
        Search(partition, query, k, out hint, minSimilarity, efSearch, keepHint: true);

    private VectorMatch[] Search(ulong partition, ReadOnlySpan<float> query, int k, out InsertHint? hint, float minSimilarity, int efSearch, bool keepHint)
    {
        hint = null;
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        var squaredNorm = VectorMath.Validate(query, _options.Dimension, nameof(query));
        if (!_partitions.TryGetValue(partition, out var target))
        {
            return [];
        }

        var buffer = new VectorMatch[k];
        int found;
        switch (target.Store)
        {
            case HnswIndex graph:
                found = keepHint
                    ? graph.Search(query, buffer, efSearch > 0 ? efSearch : _options.EfSearch, out hint)
                    : graph.Search(query, buffer, efSearch > 0 ? efSearch : _options.EfSearch);
                break;
            case FlatPartition flat:
                var unit = VectorMath.IsUnit(squaredNorm) ? query : Normalised(query, squaredNorm);
                found = flat.Search(unit, buffer);
                break;
            default:
                found = 0;
                break;
        }

        while (found > 0 && buffer[found - 1].Similarity < minSimilarity)
        {
            found--;
        }

        return found == k ? buffer : buffer[..found];
    }

    private static float[] Normalised(ReadOnlySpan<float> query, float squaredNorm)
    {
        var copy = new float[query.Length];
        VectorMath.CopyNormalised(query, squaredNorm, copy);
        return copy;
    }

    /// <summary>Builds a graph from a flat partition plus one new vector (the partition reached the threshold).</summary>
    private HnswIndex Promote(FlatPartition flat, long id, float[] unitVector)
    {
        var graph = new HnswIndex(_options, flat.Count + 1);
        var entries = new List<(long Id, float[] Vector)>(flat.Count + 1);
        flat.ForEachLive((existing, vector) => entries.Add((existing, vector.ToArray())));
        entries.Add((id, unitVector.ToArray()));
        Parallel.ForEach(entries, entry => graph.Insert(entry.Id, entry.Vector));
        return graph;
    }

    /// <summary>Compacts a graph whose tombstones passed the fraction; a graph that shrank well below the threshold becomes flat again.</summary>
    private object CompactOrDemote(HnswIndex graph)
    {
        if (graph.Count < _options.FlatScanBelow / 2)
        {
            var flat = new FlatPartition(_options.Dimension, graph.Count);
            graph.ForEachLive(flat.Add);
            return flat;
        }

        return graph.Compact();
    }
}
