using LlmGateway.Budgets.Ledger;
using LlmGateway.Gateway;
using Npgsql;

namespace LlmGateway.Storage.Postgres;

/// <summary>
/// The gateway's PostgreSQL database: one pooled <see cref="NpgsqlDataSource"/> for every store, the schema check at
/// startup (migrations), and the fault state every store reports to (the ledger clears it when a write succeeds again).
/// </summary>
internal sealed class PostgresDatabase : IAsyncDisposable
{
    private readonly ILogger<PostgresDatabase> _logger;
    private readonly Lock _lock = new();
    private readonly TimeProvider _time;
    private Task<int>? _started;
    private volatile LedgerFault? _fault;

    public PostgresDatabase(GatewayConfigStore config, TimeProvider time, ILogger<PostgresDatabase> logger)
    {
        _time = time;
        _logger = logger;
        var connection = new NpgsqlConnectionStringBuilder(config.Current.Options.Storage.ConnectionString);
        // Reservation and settlement are the same few statements for every request: prepare them once per connection.
        if (connection.MaxAutoPrepare == 0)
            connection.MaxAutoPrepare = 16;
        Server = $"{connection.Host}:{connection.Port}/{connection.Database}";
        DataSource = NpgsqlDataSource.Create(connection);
        var unsynced = new NpgsqlConnectionStringBuilder(connection.ConnectionString);
        unsynced.Options = (unsynced.Options + " -c synchronous_commit=off").Trim();
        UnsyncedDataSource = NpgsqlDataSource.Create(unsynced);
        BudgetDataSource = config.Current.Options.Storage.AsyncBudgetCommits ? UnsyncedDataSource : DataSource;
    }

    public NpgsqlDataSource DataSource { get; }

    /// <summary>
    /// Connections whose commits do not wait for the WAL flush: for cache entries (a lost one is a miss) and, when
    /// configured, budget statements. A crash of the database server may lose their last fraction of a second.
    /// </summary>
    public NpgsqlDataSource UnsyncedDataSource { get; }

    /// <summary>The pool budget statements use: <see cref="DataSource"/>, or one committing asynchronously (<c>Gateway:Storage:AsyncBudgetCommits</c>).</summary>
    public NpgsqlDataSource BudgetDataSource { get; }

    /// <summary>host:port/database, for messages (never the password).</summary>
    public string Server { get; }

    public LedgerFault? Fault => _fault;

    /// <summary>Connects and applies missing migrations, once; a database that cannot be reached fails startup with one line saying which.</summary>
    public Task<int> StartAsync(CancellationToken cancellationToken)
    {
        lock (_lock)
            return _started ??= StartCoreAsync(cancellationToken);
    }

    private async Task<int> StartCoreAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await DataSource.OpenConnectionAsync(cancellationToken);
            var (version, applied) = await PostgresMigrations.ApplyAsync(connection, _logger, cancellationToken);
            PostgresLog.Ready(_logger, Server, version, applied);
            return version;
        }
        catch (Exception ex) when (ex is NpgsqlException or System.Net.Sockets.SocketException or TimeoutException)
        {
            throw new InvalidOperationException(
                $"Gateway:Storage:ConnectionString: PostgreSQL at {Server} cannot be used: {ex.GetBaseException().Message.ReplaceLineEndings(" ")}", ex);
        }
    }

    /// <summary>Starts a fault episode (true when this call started it, so the caller logs it once).</summary>
    public bool Failed(Exception ex)
    {
        lock (_lock)
        {
            if (_fault is not null)
                return false;
            _fault = new LedgerFault(_time.GetUtcNow(), ex.GetBaseException().Message);
            return true;
        }
    }

    public void Recovered()
    {
        lock (_lock)
            _fault = null;
    }

    public static bool IsUnavailable(Exception ex) =>
        ex is NpgsqlException { IsTransient: true } or System.Net.Sockets.SocketException or TimeoutException
        || (ex is NpgsqlException && ex.InnerException is System.Net.Sockets.SocketException or IOException or TimeoutException)
        || (ex is PostgresException pg && pg.SqlState.StartsWith("57P", StringComparison.Ordinal)); // admin shutdown, crash shutdown, cannot connect now

    public async ValueTask DisposeAsync()
    {
        await UnsyncedDataSource.DisposeAsync();
        await DataSource.DisposeAsync();
    }
}
