using System.Buffers.Binary;
using System.Text;
using LlmGateway.Caching;

namespace LlmGateway.Budgets.Ledger;

/// <summary>
/// The ledger's binary record format, version 1: <c>[1][time ticks i64][flags u8][cache u8][prompt, cached, completion i64]
/// [cost, saved: decimal as 4×i32][team, key, model, provider, request id: u16 length + UTF-8]</c>, little-endian.
/// FasterLog adds a per-entry checksum around it.
/// </summary>
internal static class UsageRecordCodec
{
    private const byte Version = 1;
    private const int MaxString = 512;

    public static int MaxSize(UsageRecord r) => 1 + 8 + 1 + 1 + 24 + 32 + 5 * 2
        + Encoding.UTF8.GetMaxByteCount(Math.Min(r.Team.Length, MaxString) + Math.Min(r.KeyId.Length, MaxString) + Math.Min(r.Model.Length, MaxString)
                                        + Math.Min(r.Provider.Length, MaxString) + Math.Min(r.RequestId.Length, MaxString));

    public static int Write(UsageRecord r, Span<byte> buffer)
    {
        var at = 0;
        buffer[at++] = Version;
        BinaryPrimitives.WriteInt64LittleEndian(buffer[at..], r.Time.UtcTicks); at += 8;
        buffer[at++] = (byte)(r.Estimated ? 1 : 0);
        buffer[at++] = (byte)r.CacheResult;
        BinaryPrimitives.WriteInt64LittleEndian(buffer[at..], r.PromptTokens); at += 8;
        BinaryPrimitives.WriteInt64LittleEndian(buffer[at..], r.CachedPromptTokens); at += 8;
        BinaryPrimitives.WriteInt64LittleEndian(buffer[at..], r.CompletionTokens); at += 8;
        at += WriteDecimal(r.CostUsd, buffer[at..]);
        at += WriteDecimal(r.SavedUsd, buffer[at..]);
        foreach (var s in (ReadOnlySpan<string>)[r.Team, r.KeyId, r.Model, r.Provider, r.RequestId])
        {
            var text = s.Length > MaxString ? s[..MaxString] : s;
            var length = Encoding.UTF8.GetBytes(text, buffer[(at + 2)..]);
            BinaryPrimitives.WriteUInt16LittleEndian(buffer[at..], (ushort)length);
            at += 2 + length;
        }
        return at;
    }

    public static byte[] Encode(UsageRecord record)
    {
        var buffer = new byte[MaxSize(record)];
        return buffer.AsSpan(0, Write(record, buffer)).ToArray();
    }

    /// <summary>Decodes a record; null when the bytes are not a valid version-1 record.</summary>
    public static UsageRecord? TryDecode(ReadOnlySpan<byte> data)
    {
        try
        {
            if (data.Length < 1 + 8 + 2 + 24 + 32 + 10 || data[0] != Version)
                return null;
            var at = 1;
            var ticks = BinaryPrimitives.ReadInt64LittleEndian(data[at..]); at += 8;
            var estimated = data[at++] == 1;
            var cache = (CacheResult)data[at++];
            var prompt = BinaryPrimitives.ReadInt64LittleEndian(data[at..]); at += 8;
            var cached = BinaryPrimitives.ReadInt64LittleEndian(data[at..]); at += 8;
            var completion = BinaryPrimitives.ReadInt64LittleEndian(data[at..]); at += 8;
            var cost = ReadDecimal(data[at..]); at += 16;
            var saved = ReadDecimal(data[at..]); at += 16;
            var strings = new string[5];
            for (var i = 0; i < strings.Length; i++)
            {
                var length = BinaryPrimitives.ReadUInt16LittleEndian(data[at..]); at += 2;
                strings[i] = Encoding.UTF8.GetString(data.Slice(at, length)); at += length;
            }
            if (at != data.Length || !Enum.IsDefined(cache))
                return null;
            return new UsageRecord(new DateTimeOffset(ticks, TimeSpan.Zero), strings[0], strings[1], strings[2], strings[3],
                prompt, cached, completion, cost, saved, cache, estimated, strings[4]);
        }
        catch (Exception ex) when (ex is ArgumentException or ArgumentOutOfRangeException or IndexOutOfRangeException)
        {
            return null;
        }
    }

    private static int WriteDecimal(decimal value, Span<byte> buffer)
    {
        Span<int> bits = stackalloc int[4];
        decimal.GetBits(value, bits);
        for (var i = 0; i < 4; i++)
            BinaryPrimitives.WriteInt32LittleEndian(buffer[(i * 4)..], bits[i]);
        return 16;
    }

    private static decimal ReadDecimal(ReadOnlySpan<byte> data)
    {
        Span<int> bits = stackalloc int[4];
        for (var i = 0; i < 4; i++)
            bits[i] = BinaryPrimitives.ReadInt32LittleEndian(data[(i * 4)..]);
        return new decimal(bits);
    }
}
