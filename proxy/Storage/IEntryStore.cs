namespace LlmGateway.Storage;

/// <summary>
/// A byte-key → byte-value store for the cache's entries: <see cref="FasterEntryStore"/> (embedded, the default) or
/// <c>Postgres/PostgresEntryStore</c> (shared by replicas). Writes may be buffered until <see cref="CheckpointAsync"/>.
/// </summary>
internal interface IEntryStore : IDisposable
{
    void Upsert(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value);

    byte[]? Read(ReadOnlySpan<byte> key);

    /// <summary>
    /// As <see cref="Read"/>, for the request path: a record that has to come from disk is awaited, not waited for on a
    /// pool thread (stores that answer from memory complete at once).
    /// </summary>
    ValueTask<byte[]?> ReadAsync(ReadOnlyMemory<byte> key) => ValueTask.FromResult(Read(key.Span));

    void Delete(ReadOnlySpan<byte> key);

    /// <summary>Every live record (used at startup to rebuild what lives in memory).</summary>
    IEnumerable<(byte[] Key, byte[] Value)> Scan();

    /// <summary>Makes everything written so far durable.</summary>
    Task CheckpointAsync(CancellationToken cancellationToken);
}
