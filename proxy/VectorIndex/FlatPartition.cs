namespace LlmGateway.VectorIndex;

/// <summary>
/// A small partition kept as contiguous rows and searched exactly by a SIMD scan. One writer
/// (the owner serialises Add/Remove); readers take no lock: rows are appended before the row
/// count is published, removal only sets a tombstone byte, and growth or compaction publishes a
/// new <see cref="Rows"/> object while readers finish on the old one.
/// </summary>
internal sealed class FlatPartition
{
    private readonly int _dimension;
    private Rows _rows;
    private int _live;

    public FlatPartition(int dimension, int capacity = 8)
    {
        _dimension = dimension;
        _rows = new Rows(dimension, Math.Max(capacity, 1));
    }

    /// <summary>Live vectors.</summary>
    public int Count => Volatile.Read(ref _live);

    public long MemoryBytes
    {
        get
        {
            var rows = Volatile.Read(ref _rows);
            return (rows.Ids.Length * (sizeof(long) + 1L)) + (rows.Vectors.Length * (long)sizeof(float));
        }
    }

    /// <summary>Appends a unit vector (already validated and normalised by the caller).</summary>
    public void Add(long id, ReadOnlySpan<float> unitVector)
    {
        var rows = _rows;
        var slot = rows.Count;
        if (slot == rows.Ids.Length)
        {
            rows = rows.CopyLive(_dimension, Math.Max(8, _live * 2));
            slot = rows.Count;
            Volatile.Write(ref _rows, rows);
        }

        unitVector.CopyTo(rows.Vectors.AsSpan(slot * _dimension, _dimension));
        rows.Ids[slot] = id;
        Volatile.Write(ref rows.Count, slot + 1);
        Volatile.Write(ref _live, _live + 1);
    }

    public bool Remove(long id)
    {
        var rows = _rows;
        for (var i = 0; i < rows.Count; i++)
        {
            if (rows.Ids[i] == id && rows.Deleted[i] == 0)
            {
                Volatile.Write(ref rows.Deleted[i], (byte)1);
                Volatile.Write(ref _live, _live - 1);
                if (rows.Count - _live > Math.Max(8, _live))
                {
                    Volatile.Write(ref _rows, rows.CopyLive(_dimension, Math.Max(8, _live * 2)));
                }

                return true;
            }
        }

        return false;
    }

    /// <summary>Exact top-k of a unit query; returns matches written, most similar first.</summary>
    public int Search(ReadOnlySpan<float> unitQuery, Span<VectorMatch> destination)
    {
        var rows = Volatile.Read(ref _rows);
        var count = Volatile.Read(ref rows.Count);
        return FlatScan.Search(unitQuery, rows.Vectors.AsSpan(0, count * _dimension), rows.Ids.AsSpan(0, count), rows.Deleted.AsSpan(0, count), _dimension, destination);
    }

    public void ForEachLive(Action<long, ReadOnlySpan<float>> action)
    {
        var rows = Volatile.Read(ref _rows);
        var count = Volatile.Read(ref rows.Count);
        for (var i = 0; i < count; i++)
        {
            if (Volatile.Read(ref rows.Deleted[i]) == 0)
            {
                action(rows.Ids[i], rows.Vectors.AsSpan(i * _dimension, _dimension));
            }
        }
    }

    private sealed class Rows
    {
        public readonly float[] Vectors;
        public readonly long[] Ids;
        public readonly byte[] Deleted;
        public int Count;

        public Rows(int dimension, int capacity)
        {
            Vectors = new float[capacity * dimension];
            Ids = new long[capacity];
            Deleted = new byte[capacity];
        }

        public Rows CopyLive(int dimension, int capacity)
        {
            var copy = new Rows(dimension, capacity);
            for (var i = 0; i < Count; i++)
            {
                if (Deleted[i] == 0)
                {
                    Vectors.AsSpan(i * dimension, dimension).CopyTo(copy.Vectors.AsSpan(copy.Count * dimension));
                    copy.Ids[copy.Count++] = Ids[i];
                }
            }

            return copy;
        }
    }
}
