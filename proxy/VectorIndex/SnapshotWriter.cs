using System.Buffers.Binary;
using System.IO.Hashing;
using System.Runtime.InteropServices;

namespace LlmGateway.VectorIndex;

/// <summary>Little-endian writer that keeps a running CRC-32C of every byte it writes.</summary>
internal sealed class SnapshotWriter
{
    private readonly Stream _stream;
    private readonly byte[] _scratch = new byte[8];
    private readonly Crc32 _crc = new(Crc32ParameterSet.Crc32C);

    public SnapshotWriter(Stream stream) => _stream = stream;

    public long BytesWritten { get; private set; }

    public void WriteInt32(int value)
    {
        BinaryPrimitives.WriteInt32LittleEndian(_scratch, value);
        WriteBytes(_scratch.AsSpan(0, 4));
    }

    public void WriteInt64(long value)
    {
        BinaryPrimitives.WriteInt64LittleEndian(_scratch, value);
        WriteBytes(_scratch.AsSpan(0, 8));
    }

    public void WriteDouble(double value) => WriteInt64(BitConverter.DoubleToInt64Bits(value));

    /// <summary>Writes raw elements (the format is little-endian; big-endian hosts are not supported).</summary>
    public void WriteSpan<T>(ReadOnlySpan<T> values)
        where T : unmanaged => WriteBytes(MemoryMarshal.AsBytes(values));

    public void WriteBytes(ReadOnlySpan<byte> bytes)
    {
        _crc.Append(bytes);
        _stream.Write(bytes);
        BytesWritten += bytes.Length;
    }

    /// <summary>Writes the CRC of everything so far (not itself covered by the CRC).</summary>
    public void WriteTrailer()
    {
        BinaryPrimitives.WriteUInt32LittleEndian(_scratch, _crc.GetCurrentHashAsUInt32());
        _stream.Write(_scratch.AsSpan(0, 4));
        BytesWritten += 4;
    }
}
