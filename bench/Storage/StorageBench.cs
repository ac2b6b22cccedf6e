using System.CommandLine;
using System.Diagnostics;
using LlmGateway.Bench.Common;
using LlmGateway.Budgets;
using LlmGateway.Budgets.Accounts;
using LlmGateway.Budgets.Ledger;
using LlmGateway.Caching;
using LlmGateway.Gateway;
using LlmGateway.Storage.Postgres;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace LlmGateway.Bench.Storage;

/// <summary>
/// The storage providers side by side, in one run: budget reservation + settlement latency (embedded accounts vs
/// PostgreSQL), acknowledged ledger records/s with two PostgreSQL ledgers ("replicas") on one database, and how long a
/// cache entry written by one replica takes to reach another (the write, its notification, the catch-up read).
/// Needs an empty PostgreSQL database: <c>--postgres "Host=127.0.0.1;Port=5432;Username=gateway;Database=bench"</c>.
/// </summary>
internal static class StorageBench
{
    public static Command Command()
    {
        var postgres = new Option<string>("--postgres") { Description = "Connection string of an empty database (its tables are created).", Required = true };
        var iterations = BenchArgs.With("--iterations", 5000, "Reservation + settlement pairs per store.");
        var seconds = BenchArgs.With("--seconds", 5.0, "Duration of the ledger run.");
        var writers = BenchArgs.With("--writers", 64, "Concurrent ledger writers per replica.");
        var entries = BenchArgs.With("--entries", 300, "Cache entries replicated.");
        var asyncBudgets = BenchArgs.With("--async-budget-commits", false, "Gateway:Storage:AsyncBudgetCommits (budget statements do not wait for the WAL flush).");
        var command = new Command("storage", "Storage providers: reservation + settlement latency, ledger records/s with 2 replicas, cache replication lag.") { postgres, iterations, seconds, writers, entries, asyncBudgets };
        command.SetAction(p => RunAsync(p.GetValue(postgres)!, p.GetValue(iterations), p.GetValue(seconds), p.GetValue(writers), p.GetValue(entries), p.GetValue(asyncBudgets)));
        return command;
    }

    private static async Task<int> RunAsync(string connectionString, int iterations, double seconds, int writers, int entries, bool asyncBudgets)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Gateway:Providers:main:Kind"] = "openai",
            ["Gateway:Providers:main:BaseUrl"] = "http://127.0.0.1:1",
            ["Gateway:Models:m:Provider"] = "main",
            ["Gateway:Storage:Provider"] = "postgres",
            ["Gateway:Storage:ConnectionString"] = connectionString,
            ["Gateway:Prices:m:InputPer1M"] = "1",
            ["Gateway:Storage:AsyncBudgetCommits"] = asyncBudgets ? "true" : "false",
        };
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var config = new GatewayConfigStore(configuration, NullLogger<GatewayConfigStore>.Instance);
        var meters = new ServiceCollection().AddMetrics().BuildServiceProvider().GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>();
        await using var database = new PostgresDatabase(config, TimeProvider.System, NullLogger<PostgresDatabase>.Instance);
        await database.StartAsync(CancellationToken.None);
        var budgets = new BudgetsConfigProvider(config, configuration);
        var store = new PostgresBudgetStore(database, config, budgets, new PostgresMetrics(meters, database));

        Console.WriteLine($"storage bench: {iterations} reservation + settlement pairs, one caller, a daily budget on the team; AsyncBudgetCommits = {asyncBudgets}");
        Console.WriteLine("| store | p50 µs | p90 µs | p99 µs |");
        Console.WriteLine("|---|---|---|---|");
        foreach (var (name, budgetStore) in new (string, IBudgetStore)[] { ("embedded (FASTER provider)", new BudgetEngine(new AccountBook())), ("PostgreSQL", store) })
        {
            var latency = ReserveSettle(budgetStore, iterations);
            Console.WriteLine($"| {name} | {latency[50] * 1000:F1} | {latency[90] * 1000:F1} | {latency[99] * 1000:F1} |");
        }

        await LedgerAsync(database, store, budgets, meters, writers, TimeSpan.FromSeconds(seconds));
        await CacheLagAsync(database, entries);
        return 0;
    }

    private static Percentiles ReserveSettle(IBudgetStore store, int iterations)
    {
        var policy = BudgetPolicy.From(new BudgetOptions { DailyUsd = 1_000_000m });
        var latency = new Percentiles();
        var team = "bench-" + Guid.NewGuid().ToString("N")[..8];
        for (var i = -200; i < iterations; i++) // the first 200: warm-up (connections, prepared statements, JIT)
        {
            var now = DateTimeOffset.UtcNow;
            var start = Stopwatch.GetTimestamp();
            var reservation = store.TryReserve(team, "kkkkkkkkkkkk", policy, 0.01m, 100, now, out _);
            store.Settle(reservation, policy, new UsageRecord(now, team, "kkkkkkkkkkkk", "m", "main", 50, 0, 20, 0.005m, 0, CacheResult.Miss, false, "r"), now);
            if (i >= 0)
                latency.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }
        return latency;
    }

    private static async Task LedgerAsync(PostgresDatabase database, PostgresBudgetStore store, BudgetsConfigProvider budgets, System.Diagnostics.Metrics.IMeterFactory meters, int writers, TimeSpan duration)
    {
        var replicas = Enumerable.Range(0, 2).Select(_ => new PostgresLedger(database, store, budgets, TimeProvider.System, NullLogger<PostgresLedger>.Instance, meters)).ToList();
        foreach (var ledger in replicas)
            await ledger.StartAsync(CancellationToken.None);
        var acknowledged = 0L;
        var latency = new Percentiles();
        var until = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        await Task.WhenAll(replicas.SelectMany(ledger => Enumerable.Range(0, writers).Select(_ => Task.Run(async () =>
        {
            while (Stopwatch.GetTimestamp() < until)
            {
                var start = Stopwatch.GetTimestamp();
                var entry = ledger.Append(new UsageRecord(DateTimeOffset.UtcNow, "bench", "kkkkkkkkkkkk", "m", "main", 50, 0, 20, 0.005m, 0, CacheResult.Miss, false, "r"))!;
                if (await entry.Durable)
                {
                    Interlocked.Increment(ref acknowledged);
                    latency.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                }
            }
        }))));
        foreach (var ledger in replicas)
            await ledger.StopAsync(CancellationToken.None);
        Console.WriteLine();
        Console.WriteLine($"ledger, 2 replicas × {writers} writers, each waiting for its record's commit: {acknowledged / duration.TotalSeconds:F0} records/s; append → acknowledged p50 {latency[50]:F1} ms, p99 {latency[99]:F1} ms");
    }

    /// <summary>Replica A writes entries; replica B's follower path (LISTEN, then the catch-up query by sequence number) sees them.</summary>
    private static async Task CacheLagAsync(PostgresDatabase database, int entries)
    {
        var writer = PostgresEntryStore.Open(database.UnsyncedDataSource);
        var reader = PostgresEntryStore.Open(database.DataSource);
        await using var listen = await database.DataSource.OpenConnectionAsync();
        await using (var command = new NpgsqlCommand("LISTEN llmgw_cache", listen))
            await command.ExecuteNonQueryAsync();
        var lag = new Percentiles();
        var value = new byte[2048 + 384 * 4]; // an answer and a 384-float vector
        Random.Shared.NextBytes(value);
        for (var i = 0; i < entries; i++)
        {
            var key = Guid.NewGuid().ToByteArray();
            var start = Stopwatch.GetTimestamp();
            writer.Upsert(key, value);
            await listen.WaitAsync();
            await using var catchUp = new NpgsqlCommand("SELECT seq, key, value FROM cache_entries WHERE seq > $1 ORDER BY seq", listen);
            catchUp.Parameters.Add(new NpgsqlParameter { Value = reader.LastSeq });
            await using (var rows = await catchUp.ExecuteReaderAsync())
            {
                while (await rows.ReadAsync())
                    reader.ExpectRemote(rows.GetFieldValue<byte[]>(1), rows.IsDBNull(2) ? null : rows.GetFieldValue<byte[]>(2), rows.GetInt64(0));
            }
            if (reader.Read(key) is null)
                throw new InvalidOperationException("the entry did not arrive");
            lag.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }
        Console.WriteLine();
        Console.WriteLine($"cache entry replication (write on A → on B), {entries} entries of {value.Length} bytes: p50 {lag[50]:F2} ms, p99 {lag[99]:F2} ms, max {lag[100]:F2} ms");
    }
}
