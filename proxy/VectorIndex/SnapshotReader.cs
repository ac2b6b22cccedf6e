using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace LlmGateway.VectorIndex;

/// <summary>
/// Reader matching <see cref="SnapshotWriter"/>: keeps a running CRC-32C, and checks every
/// length against the bytes left so a corrupt count cannot cause a huge allocation.
/// </summary>
internal sealed class SnapshotReader
{
    private readonly Stream _stream;
    private readonly byte[] _scratch = new byte[8];
    private readonly long _length;

    public SnapshotReader(Stream stream, long length)
    {
        _stream = stream;
        _length = length;
    }

    public uint Crc { get; private set; }

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
            throw new EndOfStreamException($"snapshot is truncated: needs {bytes.Length} more bytes at offset {Position}, file has {Remaining}");
        }

        _stream.ReadExactly(bytes);
        Crc = Crc32C.Append(Crc, bytes);
        Position += bytes.Length;
    }

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
