using LlmGateway.Storage.Postgres;
using Npgsql;

namespace LlmGateway.Tests.Storage.Postgres;

/// <summary>Two replicas' copies of the shared cache table, driven directly (no gateway): the order of writes is the test's.</summary>
[Collection(PostgresCollection.Name)]
public sealed class CacheEntryStoreTests(PostgresServer server)
{
    [Fact]
    public async Task A_rewrite_by_one_replica_does_not_resurrect_an_entry_another_replica_deleted_meanwhile()
    {
        await using var dataSource = await server.CreateMigratedDataSourceAsync();
        using var a = PostgresEntryStore.Open(dataSource);
        using var b = PostgresEntryStore.Open(dataSource);
        byte[] key = [1, 2, 3];

        a.Upsert(key, [10]);                 // A stores an answer ...
        Assert.True(b.ExpectRemote(key, [10], a.LastSeq + 1)); // ... B follows it (as its follower would) ...
        using (b.ApplyingRemote(key, deletes: false))
            b.Upsert(key, [10]);             // ... and its cache applies it (no write back).
        a.Delete(key);                       // A purges it; B has not followed the deletion yet ...
        b.Upsert(key, [10, 11]);             // ... when B's background indexing rewrites the entry with its vector.

        Assert.Null(await ValueAsync(dataSource, key)); // the purge stands in the table, so every replica follows it
        Assert.Null(a.Read(key));
    }

    [Fact]
    public async Task A_rewrite_of_an_entry_still_there_reaches_the_table()
    {
        await using var dataSource = await server.CreateMigratedDataSourceAsync();
        using var a = PostgresEntryStore.Open(dataSource);
        byte[] key = [4, 5, 6];

        a.Upsert(key, [20]);
        a.Upsert(key, [20, 21]);

        Assert.Equal(new byte[] { 20, 21 }, await ValueAsync(dataSource, key));
    }

    [Fact]
    public async Task A_purge_while_a_received_update_of_the_entry_waits_to_be_applied_reaches_the_table()
    {
        await using var dataSource = await server.CreateMigratedDataSourceAsync();
        using var a = PostgresEntryStore.Open(dataSource);
        byte[] key = [7, 8, 9];

        a.Upsert(key, [30]);                                     // A stores an answer ...
        Assert.True(a.ExpectRemote(key, [30, 31], a.LastSeq + 1)); // ... its follower reads another replica's rewrite of it ...
        a.Delete(key);                                           // ... and before handing it to the cache, A purges the entry.

        Assert.Null(await ValueAsync(dataSource, key));          // the purge reached the table, so every replica follows it
        using (a.ApplyingRemote(key, deletes: false))
            a.Upsert(key, [30, 31]);                             // the follower then applies what it read: never written back
        Assert.Null(await ValueAsync(dataSource, key));
    }

    private static async Task<byte[]?> ValueAsync(NpgsqlDataSource dataSource, byte[] key)
    {
        await using var command = dataSource.CreateCommand("SELECT value FROM cache_entries WHERE key = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = key });
        return await command.ExecuteScalarAsync() is byte[] value ? value : null;
    }
}
