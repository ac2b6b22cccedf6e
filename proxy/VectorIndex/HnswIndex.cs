using System.Runtime.CompilerServices;

namespace LlmGateway.VectorIndex;

/// <summary>
/// Hierarchical Navigable Small World graph (Malkov &amp; Yashunin) over unit vectors, metric
/// cosine = dot product. Concurrency: many searches and many inserts/deletes at once; searches
/// take no lock; writers lock only the nodes whose link lists they change. Snapshots and
/// compaction exclude writers (not searches). See README.md in this folder.
/// </summary>
internal sealed partial class HnswIndex
{
    private const int NodeLockStripes = 1024;
    private const int MaxLevel = 30;
    private const long EmptyEntry = -1;

    /// <summary>Widest beam a search uses on layer 1 (capped by its efSearch); see <see cref="Walk"/>.</summary>
    private const int UpperLayerBeam = 32;

    private readonly int _dimension;
    private readonly int _m;
    private readonly int _m0;
    private readonly int _efConstruction;
    private readonly int _efSearch;
    private readonly long _seed;
    private readonly double _levelMultiplier;

    private readonly PagedArray<float> _vectors;
    private readonly PagedArray<int> _links0;
    private readonly PagedArray<int[]?> _upperLinks;
    private readonly PagedArray<long> _ids;
    private readonly PagedArray<byte> _levels;
    private readonly PagedArray<byte> _deleted;

    /// <summary>Int8 code rows (codes, then the float scale) when searches walk on codes; null otherwise.</summary>
    private readonly PagedArray<sbyte>? _codes;

    private readonly Dictionary<long, int> _nodeById;
    private readonly Lock _idLock = new();
    private readonly Lock _entryLock = new();
    private readonly Lock[] _nodeLocks;
    private readonly ReaderWriterLockSlim _structureGate = new(LockRecursionPolicy.NoRecursion);
    private readonly SearchContextPool _contexts;

    private int _nodeCount;
    private int _tombstones;
    private long _entry = EmptyEntry;

    /// <param name="quantizedSearch">
    /// Keep an int8 code of every vector (+¼ of the float row) and walk the graph on the codes;
    /// the walk's candidates are re-ranked on the floats, so returned similarities stay exact.
    /// </param>
    public HnswIndex(int dimension, int m, int efConstruction, int efSearch, long seed, int expectedCount = 1024, bool quantizedSearch = false)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(dimension, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(m, 2);
        ArgumentOutOfRangeException.ThrowIfLessThan(efConstruction, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(efSearch, 1);
        _dimension = dimension;
        _m = m;
        _m0 = 2 * m;
        _efConstruction = Math.Max(efConstruction, m);
        _efSearch = efSearch;
        _seed = seed;
        _levelMultiplier = 1.0 / Math.Log(m);

        _nodeById = new Dictionary<long, int>(Math.Max(expectedCount, 0));
        var shift = PagedArray<float>.PageShiftFor(expectedCount);
        _vectors = new PagedArray<float>(dimension, shift);
        _links0 = new PagedArray<int>(1 + _m0, shift);
        _upperLinks = new PagedArray<int[]?>(1, shift);
        _ids = new PagedArray<long>(1, shift);
        _levels = new PagedArray<byte>(1, shift);
        _deleted = new PagedArray<byte>(1, shift);
        _codes = quantizedSearch ? new PagedArray<sbyte>(dimension + sizeof(float), shift) : null;
        _nodeLocks = new Lock[NodeLockStripes];
        for (var i = 0; i < _nodeLocks.Length; i++)
        {
            _nodeLocks[i] = new Lock();
        }

        _contexts = new SearchContextPool(dimension);
    }

    public HnswIndex(VectorIndexOptions options, int expectedCount = 1024)
        : this(options.Dimension, options.M, options.EfConstruction, options.EfSearch, options.Seed, expectedCount, options.QuantizedSearch)
    {
    }

    public int Dimension => _dimension;

    public int M => _m;

    public int EfConstruction => _efConstruction;

    public int EfSearch => _efSearch;

    public long Seed => _seed;

    /// <summary>True when searches walk on int8 codes and re-rank on floats.</summary>
    public bool QuantizedSearch => _codes is not null;

    /// <summary>Live (searchable) vectors.</summary>
    public int Count => Volatile.Read(ref _nodeCount) - Volatile.Read(ref _tombstones);

    /// <summary>Graph nodes including tombstones.</summary>
    public int NodeCount => Volatile.Read(ref _nodeCount);

    public int TombstoneCount => Volatile.Read(ref _tombstones);

    /// <summary>Tombstones as a fraction of all nodes (0 when empty).</summary>
    public double TombstoneFraction => NodeCount == 0 ? 0 : (double)TombstoneCount / NodeCount;

    /// <summary>Top layer of the graph (-1 when empty).</summary>
    public int TopLevel => (int)(Volatile.Read(ref _entry) >> 32);

    public bool Contains(long id)
    {
        lock (_idLock)
        {
            return _nodeById.ContainsKey(id);
        }
    }

    /// <summary>Deterministic level of an id for this seed: P(level ≥ l) = M^-l.</summary>
    public int LevelFor(long id)
    {
        var bits = SplitMix64(unchecked((ulong)_seed ^ ((ulong)id * 0x9E3779B97F4A7C15UL)));
        var uniform = ((bits >> 11) + 1) * (1.0 / (1UL << 53)); // (0, 1]
        return Math.Min((int)(-Math.Log(uniform) * _levelMultiplier), MaxLevel);
    }

    /// <summary>Bytes held by the index: pages, upper-layer lists, id map, pooled search marks.</summary>
    public long MemoryBytes()
    {
        long bytes = _vectors.AllocatedBytes + _links0.AllocatedBytes + _upperLinks.AllocatedBytes
            + _ids.AllocatedBytes + _levels.AllocatedBytes + _deleted.AllocatedBytes + (_codes?.AllocatedBytes ?? 0);
        var nodes = NodeCount;
        for (var i = 0; i < nodes; i++)
        {
            var upper = _upperLinks.At(i);
            if (upper is not null)
            {
                bytes += 24 + (upper.Length * sizeof(int));
            }
        }

        lock (_idLock)
        {
            // Dictionary<long,int>: a 24-byte entry and a 4-byte bucket per slot of capacity.
            bytes += _nodeById.EnsureCapacity(0) * 28L;
        }

        return bytes + _contexts.PooledMarkBytes();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private float Distance(int a, int b) => 1f - VectorMath.Dot(_vectors.Row(a), _vectors.Row(b));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool IsDeleted(int node) => Volatile.Read(ref _deleted.At(node)) != 0;

    private Lock NodeLock(int node) => _nodeLocks[node & (NodeLockStripes - 1)];

    private int MaxLinks(int level) => level == 0 ? _m0 : _m;

    /// <summary>The link list of <paramref name="node"/> on <paramref name="level"/>: element 0 is the count.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private Span<int> Links(int node, int level)
    {
        if (level == 0)
        {
            return _links0.Row(node);
        }

        var upper = Volatile.Read(ref _upperLinks.At(node));
        return upper is null ? Span<int>.Empty : upper.AsSpan((level - 1) * (1 + _m), 1 + _m);
    }

    private static long PackEntry(int node, int level) => ((long)level << 32) | (uint)node;

    private static ulong SplitMix64(ulong x)
    {
        x += 0x9E3779B97F4A7C15UL;
        x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL;
        x = (x ^ (x >> 27)) * 0x94D049BB133111EBUL;
        return x ^ (x >> 31);
    }
}
