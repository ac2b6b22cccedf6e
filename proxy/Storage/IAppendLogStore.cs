namespace LlmGateway.Storage;

/// <summary>
/// An entry store that keeps, beside each value, a small log of fixed-size records appended atomically across replicas
/// (the verified cache's evidence: <c>Postgres/PostgresEntryStore</c>). A store without it (FASTER, one process) has the
/// cache rewrite the value instead.
/// </summary>
internal interface IAppendLogStore
{
    /// <summary>Appends <paramref name="record"/> to the key's log, keeping its newest <paramref name="keepBytes"/>; the records ever appended, or null when the key has no value.</summary>
    long? Append(ReadOnlySpan<byte> key, ReadOnlySpan<byte> record, int keepBytes);

    /// <summary>The key's log as this copy last saw it, and how many records were ever appended to it.</summary>
    (byte[] Log, long Total) ReadLog(ReadOnlySpan<byte> key);
}
