using System.Buffers.Binary;
using System.IO.Hashing;
using System.Runtime.ExceptionServices;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace LlmGateway.VectorIndex;

/// <summary>
/// Reader matching <see cref="SnapshotWriter"/>: keeps a running CRC-32C, and checks every
/// length against the bytes left so a corrupt count cannot cause a huge allocation.
/// </summary>
internal sealed class SnapshotReader
{
    /// <summary>Runs of regions at least this large are read from a file by several threads.</summary>
    public const long DefaultParallelBytes = 32L << 20;

    private readonly Stream _stream;
    private readonly byte[] _scratch = new byte[8];
    private readonly long _length;
    private readonly long _parallelBytes;

    // The CRC so far is _head (everything up to the last parallel run) followed by _tail's bytes:
    // the library's CRC cannot be resumed from a value, so a parallel run's result starts a new tail.
    private readonly Crc32 _tail = new(Crc32ParameterSet.Crc32C);
    private uint _head;
    private long _tailLength;

    public SnapshotReader(Stream stream, long length, long parallelBytes = DefaultParallelBytes)
    {
        _stream = stream;
        _length = length;
        _parallelBytes = parallelBytes;
    }

    /// <summary>Gives the destination of region <paramref name="index"/> (called from any thread).</summary>
    public delegate Span<byte> RegionDestination(int index);

    public uint Crc => Crc32C.Combine(_head, _tail.GetCurrentHashAsUInt32(), _tailLength);

    public long Position { get; private set; }

    public long Remaining => _length - Position;

    public int ReadInt32()
    {
        ReadBytes(_scratch.AsSpan(0, 4));
        return BinaryPrimitives.ReadInt32LittleEndian(_scratch);
    }

    public long ReadInt64()
    {
        ReadBytes(_scratch.AsSpan(0, 8));
        return BinaryPrimitives.ReadInt64LittleEndian(_scratch);
    }

    public double ReadDouble() => BitConverter.Int64BitsToDouble(ReadInt64());

    public void ReadSpan<T>(Span<T> values)
        where T : unmanaged => ReadBytes(MemoryMarshal.AsBytes(values));

    public void ReadBytes(Span<byte> bytes)
    {
        if (bytes.Length > Remaining)
        {
            throw Truncated(bytes.Length);
        }

        _stream.ReadExactly(bytes);
        _tail.Append(bytes);
        _tailLength += bytes.Length;
        Position += bytes.Length;
    }

    /// <summary>
    /// Reads <paramref name="count"/> consecutive regions of the snapshot into the spans
    /// <paramref name="destination"/> gives. From a file, a large run is split between the cores:
    /// each reads its share at its own offset and checksums it, and the shares' CRCs are combined
    /// in order, so a 1.6 GB load is not one thread faulting in memory, copying and hashing.
    /// </summary>
    public void ReadRegions(int count, RegionDestination destination)
    {
        var starts = new long[count + 1];
        for (var i = 0; i < count; i++)
        {
            starts[i + 1] = starts[i] + destination(i).Length;
        }

        var total = starts[count];
        var workers = (int)Math.Min(Environment.ProcessorCount, count);
        if (_stream is not FileStream file || total < _parallelBytes || workers < 2)
        {
            for (var i = 0; i < count; i++)
            {
                ReadBytes(destination(i));
            }

            return;
        }

        if (total > Remaining)
        {
            throw Truncated(total);
        }

        // Contiguous shares of about equal bytes: share w holds regions [first[w], first[w + 1]).
        var first = new int[workers + 1];
        first[workers] = count;
        for (int w = 1, i = 0; w < workers; w++)
        {
            while (starts[i] < total * w / workers)
            {
                i++;
            }

            first[w] = i;
        }

        var origin = file.Position;
        var handle = file.SafeFileHandle; // once: the getter flushes the stream's buffer
        var crcs = new uint[workers];
        try
        {
            Parallel.For(0, workers, w =>
            {
                var crc = new Crc32(Crc32ParameterSet.Crc32C);
                for (var i = first[w]; i < first[w + 1]; i++)
                {
                    var bytes = destination(i);
                    ReadAt(handle, bytes, origin + starts[i]);
                    crc.Append(bytes);
                }

                crcs[w] = crc.GetCurrentHashAsUInt32();
            });
        }
        catch (AggregateException e)
        {
            ExceptionDispatchInfo.Capture(e.InnerExceptions[0]).Throw();
        }

        var head = Crc;
        for (var w = 0; w < workers; w++)
        {
            head = Crc32C.Combine(head, crcs[w], starts[first[w + 1]] - starts[first[w]]);
        }

        _head = head;
        _tail.Reset();
        _tailLength = 0;

        Position += total;
        file.Position = origin + total;
    }

    private static void ReadAt(SafeFileHandle file, Span<byte> bytes, long offset)
    {
        while (!bytes.IsEmpty)
        {
            var read = RandomAccess.Read(file, bytes, offset);
            if (read == 0)
            {
                throw new EndOfStreamException($"snapshot is truncated: ends at offset {offset}");
            }

            bytes = bytes[read..];
            offset += read;
        }
    }

    private EndOfStreamException Truncated(long needed) =>
        new($"snapshot is truncated: needs {needed} more bytes at offset {Position}, file has {Remaining}");

    /// <summary>Throws when <paramref name="count"/> rows of <paramref name="bytesPerRow"/> cannot fit in what is left.</summary>
    public void RequireRoom(long count, long bytesPerRow, string what)
    {
        if (count < 0 || count * bytesPerRow > Remaining)
        {
            throw new SnapshotFormatException($"{what} count {count} does not fit in the {Remaining} bytes left (corrupt or truncated)");
        }
    }

    /// <summary>Reads the trailer and compares it with the CRC of everything read so far.</summary>
    public void VerifyTrailer()
    {
        var expected = Crc;
        if (Remaining != 4)
        {
            throw new SnapshotFormatException(Remaining < 4
                ? "snapshot is truncated: checksum trailer missing"
                : $"snapshot has {Remaining - 4} unexpected bytes before its checksum");
        }

        _stream.ReadExactly(_scratch.AsSpan(0, 4));
        Position += 4;
        var stored = BinaryPrimitives.ReadUInt32LittleEndian(_scratch);
        if (stored != expected)
        {
            throw new SnapshotFormatException($"checksum mismatch: stored CRC-32C {stored:X8}, computed {expected:X8}");
        }
    }
}
