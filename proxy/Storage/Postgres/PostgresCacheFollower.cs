using LlmGateway.Caching;
using Npgsql;

namespace LlmGateway.Storage.Postgres;

/// <summary>
/// Follows the cache entries other replicas store or delete: LISTEN on <c>llmgw_cache</c> for prompt updates, and after
/// every notification, every quiet interval and every reconnection a catch-up query by sequence number
/// (<c>seq &gt; last seen</c>), so a notification missed while disconnected never loses an entry. Changes reach the
/// cache only through its public surface (<see cref="SemanticCache.Store"/>, <see cref="SemanticCache.Purge"/>).
/// </summary>
internal sealed class PostgresCacheFollower(
    IServiceProvider services, PostgresDatabase database, PostgresEntryStores stores, ILogger<PostgresCacheFollower> logger)
    : BackgroundService
{
    private static readonly TimeSpan QuietCatchUp = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan Reconnect = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan PruneEvery = TimeSpan.FromHours(1);
    private long _lastPrune = Environment.TickCount64;
    private SemanticCache? _cache;

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        // The schema first (and the one-line error when the database cannot be reached); the cache then loads its entries.
        await database.StartAsync(cancellationToken);
        _cache = services.GetRequiredService<SemanticCache>();
        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = await database.DataSource.OpenConnectionAsync(stoppingToken);
                await using (var listen = new NpgsqlCommand("LISTEN llmgw_cache", connection))
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                while (!stoppingToken.IsCancellationRequested)
                {
                    await CatchUpAsync(stoppingToken);
                    await PruneAsync(stoppingToken);
                    await connection.WaitAsync(QuietCatchUp, stoppingToken);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                PostgresLog.CacheFollowFailed(logger, ex.GetBaseException().Message);
                try
                {
                    await Task.Delay(Reconnect, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    /// <summary>
    /// Deletes tombstones older than a day, once an hour (any replica; idempotent). A replica cut off for longer than
    /// that misses those deletions and keeps the entries until they expire. Real time on purpose: this paces housekeeping.
    /// </summary>
    private async Task PruneAsync(CancellationToken cancellationToken)
    {
        if (Environment.TickCount64 - _lastPrune < (long)PruneEvery.TotalMilliseconds)
            return;
        _lastPrune = Environment.TickCount64;
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand("DELETE FROM cache_entries WHERE value IS NULL AND updated_at < now() - interval '1 day'", connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Applies every change after the last one seen, in order.</summary>
    public async Task<int> CatchUpAsync(CancellationToken cancellationToken)
    {
        if (stores.Current is not { } store || _cache is not { } cache || cache.Fault is not null)
            return 0;
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand("SELECT seq, key, value, evidence, evidence_total FROM cache_entries WHERE seq > $1 ORDER BY seq", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = store.LastSeq });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var applied = 0;
        while (await reader.ReadAsync(cancellationToken))
        {
            var seq = reader.GetInt64(0);
            var key = reader.GetFieldValue<byte[]>(1);
            var value = reader.IsDBNull(2) ? null : reader.GetFieldValue<byte[]>(2);
            var (log, total) = (reader.GetFieldValue<byte[]>(3), reader.GetInt64(4));
            if (store.ExpectRemote(key, value, seq))
            {
                using (store.ApplyingRemote(key, deletes: value is null))
                {
                    if (value is null)
                        cache.Purge(m => m.ExactKey.AsSpan().SequenceEqual(key));
                    else
                        cache.Store(CacheEntry.Deserialize(value), scopeQuota: null);
                }
                applied++;
            }
            // The verified cache's evidence changes alone (cache_append_evidence) as well as with a new answer (reset).
            if (value is not null && store.ExpectRemoteLog(key, log, total))
                cache.ApplyRemoteEvidence(key, log, total);
        }
        return applied;
    }
}
