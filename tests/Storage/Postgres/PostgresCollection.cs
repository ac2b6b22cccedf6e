namespace LlmGateway.Tests.Storage.Postgres;

/// <summary>Test classes that need PostgreSQL share one throwaway server (and run one after the other).</summary>
[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresServer>
{
    public const string Name = "postgres";
}
