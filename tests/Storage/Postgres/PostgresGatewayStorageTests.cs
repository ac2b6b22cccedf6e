namespace LlmGateway.Tests.Storage.Postgres;

/// <summary>The gateway storage contract on PostgreSQL (a fresh database per test).</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresGatewayStorageTests(PostgresServer server) : GatewayStorageContract
{
    private protected override async Task<Dictionary<string, string?>> NewStorageAsync() => new()
    {
        ["Gateway:Storage:Provider"] = "postgres",
        ["Gateway:Storage:ConnectionString"] = await server.CreateDatabaseAsync(),
    };

    private protected override string[] CliStorage(Dictionary<string, string?> storage) => ["--postgres", storage["Gateway:Storage:ConnectionString"]!];
}
