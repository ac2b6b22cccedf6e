using System.Buffers.Binary;

namespace LlmGateway.Caching.Verified;

/// <summary>
/// One observation as a fixed-size record (score as a little-endian float, then 1 = same), for stores that append
/// evidence atomically beside the entry (<see cref="Storage.IAppendLogStore"/>, the PostgreSQL provider).
/// </summary>
internal static class EvidenceLog
{
    public const int RecordBytes = 5;

    /// <summary>The log keeps as many records as an entry's evidence.</summary>
    public const int KeepBytes = HitEvidence.Capacity * RecordBytes;

    public static byte[] Encode(double score, bool same)
    {
        var record = new byte[RecordBytes];
        BinaryPrimitives.WriteSingleLittleEndian(record, (float)score);
        record[4] = same ? (byte)1 : (byte)0;
        return record;
    }

    /// <summary>The log's whole records, oldest first (a partial trailing record is ignored).</summary>
    public static HitEvidence.Observation[] Decode(byte[] log)
    {
        var observations = new HitEvidence.Observation[log.Length / RecordBytes];
        for (var i = 0; i < observations.Length; i++)
        {
            var record = log.AsSpan(i * RecordBytes, RecordBytes);
            observations[i] = new HitEvidence.Observation(BinaryPrimitives.ReadSingleLittleEndian(record), record[4] != 0);
        }
        return observations;
    }
}
