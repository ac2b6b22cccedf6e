using System.Diagnostics;
using System.Runtime.InteropServices;

namespace LlmGateway.VectorIndex;

/// <summary>
/// Snapshot of every partition in one checksummed file, and the startup path that loads it or,
/// when it is missing or damaged, rebuilds from the cache's store and logs why.
/// </summary>
internal sealed partial class PartitionedVectorIndex
{
    /// <summary>"LGVIPART" little-endian.</summary>
    public const long SnapshotMagic = 0x5452415049564C47;

    /// <summary>Saves every partition to <paramref name="path"/> (atomically replaced). Writers wait; searches continue.</summary>
    public long SaveSnapshot(string path)
    {
        _gate.EnterWriteLock();
        try
        {
            return SnapshotFile.Save(path, SnapshotMagic, WriteBody);
        }
        finally
        {
            _gate.ExitWriteLock();
        }
    }

    public long SaveSnapshot(Stream stream)
    {
        _gate.EnterWriteLock();
        try
        {
            return SnapshotFile.Write(stream, SnapshotMagic, WriteBody);
        }
        finally
        {
            _gate.ExitWriteLock();
        }
    }

    /// <summary>
    /// Loads a snapshot made with the same dimension and M as <paramref name="options"/>. False,
    /// with a reason for the log, when the file is missing, truncated, corrupt (checksum or
    /// structure), of another format version, or made with other options.
    /// </summary>
    public static bool TryLoadSnapshot(string path, VectorIndexOptions options, out PartitionedVectorIndex? index, out string? reason) =>
        SnapshotFile.TryLoad(path, SnapshotMagic, reader => ReadBody(reader, options), out index, out reason);

    public static bool TryLoadSnapshot(Stream stream, VectorIndexOptions options, out PartitionedVectorIndex? index, out string? reason) =>
        SnapshotFile.TryRead(stream, stream.Length - stream.Position, SnapshotMagic, reader => ReadBody(reader, options), out index, out reason);

    /// <summary>
    /// Startup: loads the snapshot at <paramref name="path"/>; when it is missing or rejected,
    /// logs the reason and rebuilds from <paramref name="readStore"/> (large partitions are
    /// built with parallel inserts).
    /// </summary>
    public static PartitionedVectorIndex LoadOrRebuild(string path, VectorIndexOptions options, Func<IEnumerable<VectorEntry>> readStore, ILogger logger)
    {
        var clock = Stopwatch.StartNew();
        if (File.Exists(path))
        {
            if (TryLoadSnapshot(path, options, out var loaded, out var reason))
            {
                VectorIndexLog.SnapshotLoaded(logger, path, loaded!.Count, loaded.PartitionCount, clock.ElapsedMilliseconds);
                return loaded;
            }

            VectorIndexLog.SnapshotRejected(logger, path, reason ?? "unknown");
        }

        clock.Restart();
        var rebuilt = Build(options, readStore());
        VectorIndexLog.IndexRebuilt(logger, rebuilt.Count, rebuilt.PartitionCount, clock.ElapsedMilliseconds);
        return rebuilt;
    }

    /// <summary>Builds an index from entries in bulk; graphs of large partitions are built in parallel.</summary>
    public static PartitionedVectorIndex Build(VectorIndexOptions options, IEnumerable<VectorEntry> entries)
    {
        var index = new PartitionedVectorIndex(options);
        var seen = new HashSet<long>();
        foreach (var group in entries.GroupBy(e => e.Partition))
        {
            var items = group.ToList();
            foreach (var item in items)
            {
                VectorMath.Validate(item.Vector, options.Dimension, nameof(entries));
                if (!seen.Add(item.Id))
                {
                    throw new ArgumentException($"Id {item.Id} appears twice in the store.", nameof(entries));
                }
            }

            if (items.Count < options.FlatScanBelow)
            {
                foreach (var item in items)
                {
                    index.Add(item.Id, item.Partition, item.Vector);
                }

                continue;
            }

            var graph = new HnswIndex(options, items.Count);
            Parallel.ForEach(items, item => graph.Insert(item.Id, item.Vector));
            index._partitions[group.Key] = new Partition(graph);
            foreach (var item in items)
            {
                index._partitionById.Add(item.Id, group.Key);
            }

            index._count += items.Count;
        }

        return index;
    }

    private void WriteBody(SnapshotWriter writer)
    {
        writer.WriteInt32(_options.Dimension);
        writer.WriteInt32(_options.M);
        var partitions = _partitions.ToArray();
        writer.WriteInt32(partitions.Length);
        foreach (var (key, partition) in partitions)
        {
            writer.WriteInt64(unchecked((long)key));
            switch (partition.Store)
            {
                case HnswIndex graph:
                    writer.WriteInt32((int)PartitionKind.Graph);
                    graph.WriteBody(writer);
                    break;
                case FlatPartition flat:
                    writer.WriteInt32((int)PartitionKind.Flat);
                    var ids = new List<long>(flat.Count);
                    var vectors = new List<float>(flat.Count * _options.Dimension);
                    flat.ForEachLive((id, vector) =>
                    {
                        ids.Add(id);
                        foreach (var x in vector)
                        {
                            vectors.Add(x);
                        }
                    });
                    writer.WriteInt32(ids.Count);
                    writer.WriteSpan<long>(CollectionsMarshal.AsSpan(ids));
                    writer.WriteSpan<float>(CollectionsMarshal.AsSpan(vectors));
                    break;
            }
        }
    }

    private static PartitionedVectorIndex ReadBody(SnapshotReader reader, VectorIndexOptions options)
    {
        var dimension = reader.ReadInt32();
        var m = reader.ReadInt32();
        if (dimension != options.Dimension || m != options.M)
        {
            throw new SnapshotFormatException($"snapshot was made with dimension {dimension} and M {m}; the options say dimension {options.Dimension} and M {options.M}");
        }

        var index = new PartitionedVectorIndex(options);
        var partitions = reader.ReadInt32();
        reader.RequireRoom(partitions, 12, "partition");
        for (var p = 0; p < partitions; p++)
        {
            var key = unchecked((ulong)reader.ReadInt64());
            var kind = reader.ReadInt32();
            Partition partition;
            switch (kind)
            {
                case (int)PartitionKind.Graph:
                    var graph = HnswIndex.ReadBody(reader, options.QuantizedSearch);
                    if (graph.Dimension != dimension)
                    {
                        throw new SnapshotFormatException($"partition {key:X16} has dimension {graph.Dimension}, expected {dimension}");
                    }

                    partition = new Partition(graph);
                    break;
                case (int)PartitionKind.Flat:
                    var count = reader.ReadInt32();
                    reader.RequireRoom(count, 8L + (4L * dimension), "flat row");
                    var ids = new long[count];
                    var vectors = new float[count * dimension];
                    reader.ReadSpan<long>(ids);
                    reader.ReadSpan<float>(vectors);
                    var flat = new FlatPartition(dimension, count);
                    for (var i = 0; i < count; i++)
                    {
                        flat.Add(ids[i], vectors.AsSpan(i * dimension, dimension));
                    }

                    partition = new Partition(flat);
                    break;
                default:
                    throw new SnapshotFormatException($"partition {key:X16} has unknown kind {kind}");
            }

            if (!index._partitions.TryAdd(key, partition))
            {
                throw new SnapshotFormatException($"partition {key:X16} appears twice");
            }

            partition.ForEachLive((id, _) =>
            {
                if (!index._partitionById.TryAdd(id, key))
                {
                    throw new SnapshotFormatException($"id {id} appears in two partitions");
                }
            });
            index._count += partition.Count;
        }

        return index;
    }
}
