using LlmGateway.Storage.Postgres;
using Npgsql;

namespace LlmGateway.Tests.Storage.Postgres;

/// <summary>The verified cache's evidence log in the shared table (migration 4, <c>cache_append_evidence</c>), driven directly.</summary>
[Collection(PostgresCollection.Name)]
public sealed class EvidenceAppendTests(PostgresServer server)
{
    [Fact]
    public async Task Replicas_appending_at_once_lose_no_record_and_the_log_keeps_the_newest()
    {
        await using var dataSource = await server.CreateMigratedDataSourceAsync();
        using var a = PostgresEntryStore.Open(dataSource);
        using var b = PostgresEntryStore.Open(dataSource);
        byte[] key = [7, 7, 7];
        a.Upsert(key, [1]);

        await Task.WhenAll(
            Task.Run(() => { for (var i = 0; i < 40; i++) a.Append(key, [(byte)i, 0xA], keepBytes: 60); }),
            Task.Run(() => { for (var i = 0; i < 40; i++) b.Append(key, [(byte)i, 0xB], keepBytes: 60); }));

        await using var command = dataSource.CreateCommand("SELECT evidence, evidence_total FROM cache_entries WHERE key = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = key });
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        Assert.Equal(80, reader.GetInt64(1));
        var log = reader.GetFieldValue<byte[]>(0);
        Assert.Equal(60, log.Length); // the newest 30 records of two bytes
        Assert.Equal(80, Math.Max(a.ReadLog(key).Total, b.ReadLog(key).Total));
    }

    [Fact]
    public async Task A_new_answer_starts_with_no_evidence_and_a_deleted_entry_takes_none()
    {
        await using var dataSource = await server.CreateMigratedDataSourceAsync();
        using var a = PostgresEntryStore.Open(dataSource);
        byte[] key = [8, 8, 8];
        a.Upsert(key, [1]);
        Assert.Equal(1, a.Append(key, [1, 2, 3, 4, 5], keepBytes: 320));
        Assert.Equal(2, a.Append(key, [1, 2, 3, 4, 5], keepBytes: 320));

        using (var later = PostgresEntryStore.Open(dataSource))
            Assert.Equal(2, later.ReadLog(key).Total);

        a.Delete(key);
        a.Upsert(key, [2]);
        using (var later = PostgresEntryStore.Open(dataSource))
            Assert.Equal(0, later.ReadLog(key).Total);
        a.Delete(key);
        Assert.Null(a.Append(key, [1, 2, 3, 4, 5], keepBytes: 320));
    }
}
