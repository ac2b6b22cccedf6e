using System.Collections.Concurrent;
using Npgsql;
using NpgsqlTypes;

namespace LlmGateway.Storage.Postgres;

/// <summary>
/// The cache's entries in PostgreSQL (<c>cache_entries</c>), with a full copy in this process: reads never leave it, writes
/// go to the table (<c>cache_put</c>, which notifies every replica) and to the copy. Changes made by other replicas come
/// in through <see cref="PostgresCacheFollower"/>, which hands each one to the cache inside <see cref="ApplyingRemote"/>,
/// so the cache's own write of a change it received is not sent back to the table.
/// </summary>
internal sealed class PostgresEntryStore : IEntryStore, IAppendLogStore
{
    // Each entry's evidence log (cache_append_evidence) as this copy last saw it, with the records ever appended.
    private readonly ConcurrentDictionary<string, (byte[] Log, long Total)> _logs = new(StringComparer.Ordinal);
    private readonly NpgsqlDataSource _dataSource;
    private readonly ConcurrentDictionary<string, byte[]> _entries = new(StringComparer.Ordinal);
    // The received change the follower is handing to the cache, and on which thread (null: none); see ApplyingRemote.
    private RemoteChange? _applying;
    private long _lastSeq;

    private PostgresEntryStore(NpgsqlDataSource dataSource) => _dataSource = dataSource;

    /// <summary>The highest change (sequence number) this copy has seen.</summary>
    public long LastSeq => Interlocked.Read(ref _lastSeq);

    /// <summary>Loads every live entry and the sequence number they are current to, in one snapshot.</summary>
    public static PostgresEntryStore Open(NpgsqlDataSource dataSource)
    {
        var store = new PostgresEntryStore(dataSource);
        using var connection = dataSource.OpenConnection();
        using var transaction = connection.BeginTransaction(System.Data.IsolationLevel.RepeatableRead);
        using (var last = new NpgsqlCommand("SELECT coalesce(max(seq), 0) FROM cache_entries", connection, transaction))
            store._lastSeq = (long)last.ExecuteScalar()!;
        using (var all = new NpgsqlCommand("SELECT key, value, evidence, evidence_total FROM cache_entries WHERE value IS NOT NULL", connection, transaction))
        using (var reader = all.ExecuteReader())
        {
            while (reader.Read())
            {
                var hex = Convert.ToHexString(reader.GetFieldValue<byte[]>(0));
                store._entries[hex] = reader.GetFieldValue<byte[]>(1);
                if (reader.GetInt64(3) > 0)
                    store._logs[hex] = (reader.GetFieldValue<byte[]>(2), reader.GetInt64(3));
            }
        }
        transaction.Commit();
        return store;
    }

    public void Upsert(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value)
    {
        var hex = Convert.ToHexString(key);
        var bytes = value.ToArray();
        if (Applying(hex) is not null)
        {
            // The cache storing a change it received: the table has it already (and may have a newer one, which follows).
            _entries[hex] = bytes;
            return;
        }
        // The same bytes already here: nothing to write.
        var exists = _entries.TryGetValue(hex, out var current);
        if (exists && current!.AsSpan().SequenceEqual(value))
            return;
        // A rewrite of an entry this copy holds (e.g. its vector added) must not undo a deletion another replica made
        // meanwhile: it changes the table only where the entry still is; the deletion then reaches this copy as usual.
        Put(key.ToArray(), bytes, rewrite: exists);
        if (!exists)
            _logs.TryRemove(hex, out _); // a new answer starts with no evidence (cache_put clears the table's)
        _entries[hex] = bytes;
    }

    public long? Append(ReadOnlySpan<byte> key, ReadOnlySpan<byte> record, int keepBytes)
    {
        using var connection = _dataSource.OpenConnection();
        using var command = new NpgsqlCommand("SELECT evidence, evidence_total FROM cache_append_evidence($1, $2, $3)", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = key.ToArray(), NpgsqlDbType = NpgsqlDbType.Bytea });
        command.Parameters.Add(new NpgsqlParameter { Value = record.ToArray(), NpgsqlDbType = NpgsqlDbType.Bytea });
        command.Parameters.Add(new NpgsqlParameter { Value = keepBytes, NpgsqlDbType = NpgsqlDbType.Integer });
        using var reader = command.ExecuteReader();
        if (!reader.Read())
            return null;
        var log = reader.GetFieldValue<byte[]>(0);
        var total = reader.GetInt64(1);
        ExpectRemoteLog(key.ToArray(), log, total);
        return total;
    }

    public (byte[] Log, long Total) ReadLog(ReadOnlySpan<byte> key) => _logs.TryGetValue(Convert.ToHexString(key), out var log) ? log : ([], 0);

    /// <summary>Notes a log read from the table; true when it is newer than this copy's (the cache then adds what it lacks).</summary>
    public bool ExpectRemoteLog(byte[] key, byte[] log, long total)
    {
        var hex = Convert.ToHexString(key);
        while (true)
        {
            if (!_logs.TryGetValue(hex, out var current))
            {
                if (total == 0 || _logs.TryAdd(hex, (log, total)))
                    return total > 0;
                continue;
            }
            if (total == current.Total)
                return false;
            if (_logs.TryUpdate(hex, (log, total), current))
                return true;
        }
    }

    public byte[]? Read(ReadOnlySpan<byte> key) => _entries.TryGetValue(Convert.ToHexString(key), out var value) ? value : null;

    public void Delete(ReadOnlySpan<byte> key)
    {
        var hex = Convert.ToHexString(key);
        if (Applying(hex) is { } change)
        {
            // A received change: a deletion removes the entry here only; an update replaces it (the cache removes the
            // old entry before storing the new one, which Upsert then writes here).
            if (change.Deletes)
                _entries.TryRemove(hex, out _);
            return;
        }
        // This replica's own deletion (a purge, an eviction — also one the cache makes while applying a received change
        // of another entry): it goes to the table, or the other replicas would keep the entry.
        if (!_entries.TryRemove(hex, out _))
            return;
        _logs.TryRemove(hex, out _);
        Put(key.ToArray(), null, rewrite: false);
    }

    public IEnumerable<(byte[] Key, byte[] Value)> Scan() => _entries.Select(e => (Convert.FromHexString(e.Key), e.Value)).ToList();

    /// <summary>Every write is committed in the table when <see cref="Upsert"/> returns: nothing to do.</summary>
    public Task CheckpointAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>
    /// Until the scope is disposed, the calling thread is the follower handing the cache a change of <paramref name="key"/>
    /// it received (<paramref name="deletes"/>: a deletion): the cache's writes of that key on this thread apply the
    /// change and are never sent back to the table. Anything else — another thread, another key — is this replica's own
    /// and reaches the table. Scope only synchronous calls (an await may change the thread).
    /// </summary>
    public RemoteApplyScope ApplyingRemote(byte[] key, bool deletes)
    {
        Volatile.Write(ref _applying, new RemoteChange(Environment.CurrentManagedThreadId, Convert.ToHexString(key), deletes));
        return new RemoteApplyScope(this);
    }

    private RemoteChange? Applying(string hex) =>
        Volatile.Read(ref _applying) is { } change && change.Thread == Environment.CurrentManagedThreadId && change.Key == hex ? change : null;

    private sealed record RemoteChange(int Thread, string Key, bool Deletes);

    public readonly struct RemoteApplyScope(PostgresEntryStore store) : IDisposable
    {
        public void Dispose() => Volatile.Write(ref store._applying, null);
    }

    /// <summary>Notes a change read from the table (value null: deleted); false when this copy already has it (our own write coming back, or one already applied).</summary>
    public bool ExpectRemote(byte[] key, byte[]? value, long seq)
    {
        InterlockedMax(ref _lastSeq, seq);
        var current = _entries.GetValueOrDefault(Convert.ToHexString(key));
        return value is null ? current is not null : current is null || !current.AsSpan().SequenceEqual(value);
    }

    private void Put(byte[] key, byte[]? value, bool rewrite)
    {
        using var connection = _dataSource.OpenConnection();
        using var command = new NpgsqlCommand(rewrite ? "SELECT cache_rewrite($1, $2)" : "SELECT cache_put($1, $2)", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = key, NpgsqlDbType = NpgsqlDbType.Bytea });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)value ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Bytea });
        // Our own change comes back through the follower like any other; this copy then already has it (ExpectRemote: false).
        command.ExecuteNonQuery();
    }

    private static void InterlockedMax(ref long target, long value)
    {
        var current = Interlocked.Read(ref target);
        while (value > current)
        {
            var seen = Interlocked.CompareExchange(ref target, value, current);
            if (seen == current)
                return;
            current = seen;
        }
    }

    public void Dispose()
    {
    }
}
