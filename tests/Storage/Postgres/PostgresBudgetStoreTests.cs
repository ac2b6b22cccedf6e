using LlmGateway.Budgets.Accounts;
using LlmGateway.Gateway;
using LlmGateway.Storage.Postgres;
using LlmGateway.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace LlmGateway.Tests.Storage.Postgres;

/// <summary>The budget store contract on PostgreSQL (a fresh database per test), plus what only a shared store has: expiry of a dead replica's reservations.</summary>
[Collection(PostgresCollection.Name)]
public class PostgresBudgetStoreTests(PostgresServer server) : BudgetStoreContract
{
    private PostgresDatabase? _database;

    private protected PostgresDatabase Database => _database!;

    private protected override async Task<IBudgetStore> CreateStoreAsync()
    {
        var (store, database) = await CreateAsync(server, "00:15:00", AsyncCommits);
        _database = database;
        return store;
    }

    /// <summary>Gateway:Storage:AsyncBudgetCommits (the subclass below runs the same contract with it).</summary>
    private protected virtual bool AsyncCommits => false;

    internal static async Task<(PostgresBudgetStore, PostgresDatabase)> CreateAsync(PostgresServer server, string reservationTimeout, bool asyncCommits = false)
    {
        var settings = GatewayHost.BasicSettings("http://127.0.0.1:1");
        settings["Gateway:Storage:Provider"] = "postgres";
        settings["Gateway:Storage:ConnectionString"] = await server.CreateDatabaseAsync();
        settings["Gateway:Storage:ReservationTimeout"] = reservationTimeout;
        settings["Gateway:Storage:AsyncBudgetCommits"] = asyncCommits ? "true" : "false";
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var config = new GatewayConfigStore(configuration, NullLogger<GatewayConfigStore>.Instance);
        var database = new PostgresDatabase(config, new FakeTimeProvider(), NullLogger<PostgresDatabase>.Instance);
        await database.StartAsync(CancellationToken.None);
        var metrics = new PostgresMetrics(new Microsoft.Extensions.DependencyInjection.ServiceCollection().AddMetrics().BuildServiceProvider().GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), database);
        return (new PostgresBudgetStore(database, config, new LlmGateway.Budgets.BudgetsConfigProvider(config, configuration), metrics), database);
    }

    public override async Task DisposeAsync()
    {
        if (_database is not null)
            await _database.DisposeAsync();
    }

    [Fact]
    public async Task A_reservation_never_settled_expires_and_is_given_back()
    {
        var (store, database) = await CreateAsync(server, "00:00:00.001");
        await using var owned = database;
        var policy = Policy(daily: 1m);
        Assert.NotNull(store.TryReserve("t", "kkkkkkkkkkkk", policy, 0.7m, 0, Noon, out _)); // its replica "crashes": never settled
        Assert.Null(store.TryReserve("t", "kkkkkkkkkkkk", policy, 0.7m, 0, Noon, out _));
        // The database's clock passes the expiry within milliseconds; poll the sweep until it has given the reservation back.
        var expired = await Eventually.ReadAsync(() => store.ExpireAsync(CancellationToken.None), n => n > 0);
        Assert.Equal(1, expired);
        Assert.Equal(0m, store.Balances("t", policy, Noon)[0].ReservedUsd);
        Assert.NotNull(store.TryReserve("t", "kkkkkkkkkkkk", policy, 0.7m, 0, Noon, out _));
    }

    [Fact]
    public async Task Migrations_applied_by_two_replicas_at_once_apply_once_and_again_is_a_no_op()
    {
        var connection = await server.CreateDatabaseAsync();
        var starts = await Task.WhenAll(Enumerable.Range(0, 3).Select(async _ =>
        {
            var settings = GatewayHost.BasicSettings("http://127.0.0.1:1");
            settings["Gateway:Storage:Provider"] = "postgres";
            settings["Gateway:Storage:ConnectionString"] = connection;
            var config = new GatewayConfigStore(new ConfigurationBuilder().AddInMemoryCollection(settings).Build(), NullLogger<GatewayConfigStore>.Instance);
            await using var database = new PostgresDatabase(config, TimeProvider.System, NullLogger<PostgresDatabase>.Instance);
            return await database.StartAsync(CancellationToken.None);
        }));
        Assert.All(starts, v => Assert.Equal(PostgresMigrations.All[^1].Version, v));
        await using var check = new Npgsql.NpgsqlConnection(connection);
        await check.OpenAsync();
        await using var count = new Npgsql.NpgsqlCommand("SELECT count(*) FROM gateway_schema_migrations", check);
        Assert.Equal((long)PostgresMigrations.All.Count, (long)(await count.ExecuteScalarAsync())!);
    }
}

/// <summary>The budget store contract on PostgreSQL with budget statements committed asynchronously: the same answers, sooner.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresAsyncCommitBudgetStoreTests(PostgresServer server) : PostgresBudgetStoreTests(server)
{
    private protected override bool AsyncCommits => true;

    [Fact]
    public async Task Only_budget_statements_skip_the_wal_flush()
    {
        async Task<string> SynchronousCommit(Npgsql.NpgsqlDataSource source)
        {
            await using var command = source.CreateCommand("SHOW synchronous_commit");
            return (string)(await command.ExecuteScalarAsync())!;
        }
        Assert.Equal("off", await SynchronousCommit(Database.BudgetDataSource));
        Assert.Equal("on", await SynchronousCommit(Database.DataSource)); // usage records wait for it
    }
}
