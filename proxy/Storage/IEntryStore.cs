namespace LlmGateway.Storage;

/// <summary>
/// A byte-key → byte-value store for the cache's entries: <see cref="FasterEntryStore"/> (embedded, the default) or
/// <c>Postgres/PostgresEntryStore</c> (shared by replicas). Writes may be buffered until <see cref="CheckpointAsync"/>.
/// </summary>
internal interface IEntryStore : IDisposable
{
    void Upsert(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value);

    byte[]? Read(ReadOnlySpan<byte> key);

    void Delete(ReadOnlySpan<byte> key);

    /// <summary>Every live record (used at startup to rebuild what lives in memory).</summary>
    IEnumerable<(byte[] Key, byte[] Value)> Scan();

    /// <summary>Makes everything written so far durable.</summary>
    Task CheckpointAsync(CancellationToken cancellationToken);
}
