
namespace LlmGateway.Storage.Postgres;

/// <summary>Opens the cache's entry store on PostgreSQL and keeps the current one for the follower (the cache reopens its store after a fault).</summary>
internal sealed class PostgresEntryStores(PostgresDatabase database) : IEntryStoreProvider
{
    private volatile PostgresEntryStore? _current;

    public PostgresEntryStore? Current => _current;

    public IEntryStore Open(string folder)
    {
        Directory.CreateDirectory(folder); // the vector index snapshot stays per process
        // The cache opens while the pipeline is built, before hosted services start: the schema must be there first.
        database.StartAsync(CancellationToken.None).GetAwaiter().GetResult();
        var store = PostgresEntryStore.Open(database.UnsyncedDataSource);
        _current = store;
        return store;
    }
}
