using System.Runtime.InteropServices;

namespace LlmGateway.VectorIndex;

/// <summary>
/// Snapshot of the graph: parameters, then node arrays page by page (ids, levels, tombstones,
/// layer-0 links, vectors), then upper-layer links. Loading copies the arrays back; the graph
/// is not rebuilt. Layout in README.md.
/// </summary>
internal sealed partial class HnswIndex
{
    /// <summary>"LGVIHNSW" little-endian.</summary>
    public const long SnapshotMagic = 0x57534E4849564C47;

    /// <summary>Saves to <paramref name="path"/> (atomically replaced). Writers wait; searches continue.</summary>
    public long SaveSnapshot(string path) => SnapshotFile.Save(path, SnapshotMagic, WriteBody);

    public long SaveSnapshot(Stream stream) => SnapshotFile.Write(stream, SnapshotMagic, WriteBody);

    /// <summary>
    /// Loads a snapshot; false with a reason when it is missing, corrupt or truncated. The int8
    /// codes of a <paramref name="quantizedSearch"/> index are derived data: not stored, encoded
    /// again from the vectors on load.
    /// </summary>
    public static bool TryLoadSnapshot(string path, out HnswIndex? index, out string? reason, bool quantizedSearch = false) =>
        SnapshotFile.TryLoad(path, SnapshotMagic, reader => ReadBody(reader, quantizedSearch), out index, out reason);

    public static bool TryLoadSnapshot(Stream stream, out HnswIndex? index, out string? reason, bool quantizedSearch = false) =>
        SnapshotFile.TryRead(stream, stream.Length - stream.Position, SnapshotMagic, reader => ReadBody(reader, quantizedSearch), out index, out reason);

    internal void WriteBody(SnapshotWriter writer)
    {
        _structureGate.EnterWriteLock();
        try
        {
            writer.WriteInt32(_dimension);
            writer.WriteInt32(_m);
            writer.WriteInt32(_efConstruction);
            writer.WriteInt32(_efSearch);
            writer.WriteInt64(_seed);
            var nodes = _nodeCount;
            writer.WriteInt32(nodes);
            writer.WriteInt32(_tombstones);
            writer.WriteInt64(_entry);
            WritePages(writer, _ids, nodes);
            WritePages(writer, _levels, nodes);
            WritePages(writer, _deleted, nodes);
            WritePages(writer, _links0, nodes);
            WritePages(writer, _vectors, nodes);
            for (var node = 0; node < nodes; node++)
            {
                var upper = _upperLinks.At(node);
                if (upper is not null)
                {
                    writer.WriteSpan<int>(upper);
                }
            }
        }
        finally
        {
            _structureGate.ExitWriteLock();
        }
    }

    internal static HnswIndex ReadBody(SnapshotReader reader, bool quantizedSearch)
    {
        var dimension = reader.ReadInt32();
        var m = reader.ReadInt32();
        var efConstruction = reader.ReadInt32();
        var efSearch = reader.ReadInt32();
        var seed = reader.ReadInt64();
        if (dimension is < 1 or > 8192 || m is < 2 or > 128 || efConstruction < 1 || efSearch < 1)
        {
            throw new SnapshotFormatException($"graph parameters are invalid (dimension {dimension}, M {m}, efConstruction {efConstruction}, efSearch {efSearch})");
        }

        var nodes = reader.ReadInt32();
        var tombstones = reader.ReadInt32();
        var entry = reader.ReadInt64();
        reader.RequireRoom(nodes, 8 + 1 + 1 + (4L * (1 + (2 * m))) + (4L * dimension), "node");
        var index = new HnswIndex(dimension, m, efConstruction, efSearch, seed, nodes, quantizedSearch);
        index._ids.EnsureCapacity(nodes);
        index._vectors.EnsureCapacity(nodes);
        index._links0.EnsureCapacity(nodes);
        index._upperLinks.EnsureCapacity(nodes);
        index._levels.EnsureCapacity(nodes);
        index._deleted.EnsureCapacity(nodes);
        ReadPages(reader, index._ids, nodes);
        ReadPages(reader, index._levels, nodes);
        ReadPages(reader, index._deleted, nodes);
        ReadPages(reader, index._links0, nodes);
        ReadPages(reader, index._vectors, nodes);
        for (var node = 0; node < nodes; node++)
        {
            int level = index._levels.At(node);
            if (level > MaxLevel)
            {
                throw new SnapshotFormatException($"node {node} has level {level} (max {MaxLevel})");
            }

            if (level > 0)
            {
                var upper = new int[level * (1 + m)];
                reader.ReadSpan<int>(upper);
                index._upperLinks.At(node) = upper;
            }
        }

        index._nodeCount = nodes;
        index._tombstones = tombstones;
        index._entry = entry;
        index.ValidateLoaded();
        if (index._codes is { } codes)
        {
            codes.EnsureCapacity(nodes);
            Parallel.For(0, nodes, node => index.EncodeRow(codes, node));
        }

        return index;
    }

    /// <summary>Structural checks so even a checksum collision cannot yield an index that crashes searches.</summary>
    private void ValidateLoaded()
    {
        var nodes = _nodeCount;
        var deleted = 0;
        for (var node = 0; node < nodes; node++)
        {
            var flag = _deleted.At(node);
            if (flag > 1)
            {
                throw new SnapshotFormatException($"node {node} has tombstone flag {flag}");
            }

            if (flag == 1)
            {
                deleted++;
            }
            else if (!_nodeById.TryAdd(_ids.At(node), node))
            {
                throw new SnapshotFormatException($"id {_ids.At(node)} appears twice");
            }

            for (var level = 0; level <= _levels.At(node); level++)
            {
                var links = Links(node, level);
                var count = links[0];
                if (count < 0 || count > MaxLinks(level))
                {
                    throw new SnapshotFormatException($"node {node} has {count} links on layer {level}");
                }

                for (var i = 1; i <= count; i++)
                {
                    if ((uint)links[i] >= (uint)nodes)
                    {
                        throw new SnapshotFormatException($"node {node} links to node {links[i]} of {nodes}");
                    }
                }
            }
        }

        if (deleted != _tombstones)
        {
            throw new SnapshotFormatException($"tombstone count {_tombstones} does not match the {deleted} flagged nodes");
        }

        if (nodes == 0 ? _entry != EmptyEntry : (uint)(int)_entry >= (uint)nodes || (int)(_entry >> 32) != _levels.At((int)_entry))
        {
            throw new SnapshotFormatException($"entry point {_entry} is invalid for {nodes} nodes");
        }
    }

    private static void WritePages<T>(SnapshotWriter writer, PagedArray<T> array, int rows)
        where T : unmanaged
    {
        for (var page = 0; rows > 0; page++)
        {
            var take = Math.Min(rows, array.RowsPerPage);
            writer.WriteSpan<T>(array.Page(page)[..(take * array.RowWidth)]);
            rows -= take;
        }
    }

    private static void ReadPages<T>(SnapshotReader reader, PagedArray<T> array, int rows)
        where T : unmanaged
    {
        var pages = (int)(((long)rows + array.RowsPerPage - 1) >> array.PageShift);
        reader.ReadRegions(pages, page =>
        {
            var take = Math.Min(rows - (page << array.PageShift), array.RowsPerPage);
            return MemoryMarshal.AsBytes(array.Page(page)[..(take * array.RowWidth)]);
        });
    }
}
