using System.Diagnostics;
using LlmGateway.Tests.Infrastructure;
using Npgsql;

namespace LlmGateway.Tests.Storage.Postgres;

/// <summary>
/// A throwaway PostgreSQL cluster for the test run: initdb in a temp folder, loopback only, a free port, fsync off (tests
/// only), stopped and deleted when the collection ends. PostgreSQL refuses to run as root, so as root the cluster
/// belongs to Debian's <c>postgres</c> user (runuser); otherwise it runs as the current user. Each test takes a fresh
/// database (<see cref="CreateDatabaseAsync"/>). Needs the server binaries (scripts/setup.sh installs postgresql-15).
/// </summary>
public sealed class PostgresServer : IAsyncLifetime
{
    public const string User = "gateway";
    // As root the server runs as 'postgres', which must reach the folder: /tmp rather than a TMPDIR that may sit under /root.
    private readonly string _folder = Path.Combine(Environment.IsPrivilegedProcess ? "/tmp" : Path.GetTempPath(), "llmgw-pg-" + Guid.NewGuid().ToString("N"));
    private string _bin = "";

    public int Port { get; private set; }

    private string Data => Path.Combine(_folder, "data");

    public async Task InitializeAsync()
    {
        _bin = FindBinaries() ?? throw new InvalidOperationException(
            "PostgreSQL server binaries were not found (/usr/lib/postgresql/*/bin): run scripts/setup.sh, which installs the Debian package postgresql-15.");
        Directory.CreateDirectory(_folder);
        if (Environment.IsPrivilegedProcess)
            await RunAsync("chown", ["postgres:postgres", _folder], asPostgres: false);
        await RunAsync(Path.Combine(_bin, "initdb"), ["-D", Data, "-U", User, "--auth=trust", "-E", "UTF8", "--no-sync", "--no-instructions"]);
        // The port is free when picked but could be taken before the server binds it: try a few.
        for (var attempt = 1; ; attempt++)
        {
            Port = TcpPorts.Unused();
            try
            {
                await StartAsync();
                return;
            }
            catch (InvalidOperationException ex)
            {
                if (attempt >= 4)
                    throw new InvalidOperationException($"{ex.Message}\nserver.log: {ServerLog()}", ex);
            }
        }
    }

    /// <summary>Starts (or restarts after <see cref="StopAsync"/>) the server on <see cref="Port"/> and waits until it accepts connections.</summary>
    public Task StartAsync() => RunAsync(Path.Combine(_bin, "pg_ctl"),
    [
        "-D", Data, "-l", Path.Combine(_folder, "server.log"), "-w", "-t", "60",
        "-o", $"-p {Port} -k {_folder} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=400", "start",
    ]);

    /// <summary>Stops the server (fast shutdown: sessions are cut, committed data stays).</summary>
    public Task StopAsync() => RunAsync(Path.Combine(_bin, "pg_ctl"), ["-D", Data, "-w", "-t", "60", "-m", "fast", "stop"]);

    public string ConnectionString(string database) =>
        new NpgsqlConnectionStringBuilder { Host = "127.0.0.1", Port = Port, Username = User, Database = database, Timeout = 5 }.ConnectionString;

    /// <summary>A new empty database; returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        var name = "t" + Guid.NewGuid().ToString("N");
        // Unpooled: a pooled connection would be dead after a restart (StopAsync/StartAsync).
        await using (var connection = new NpgsqlConnection(ConnectionString("postgres") + ";Pooling=false"))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            await command.ExecuteNonQueryAsync();
        }
        return ConnectionString(name);
    }

    /// <summary>A new database with the gateway's schema, for tests that drive the stores directly (no gateway).</summary>
    public async Task<NpgsqlDataSource> CreateMigratedDataSourceAsync()
    {
        var dataSource = NpgsqlDataSource.Create(await CreateDatabaseAsync());
        await using var connection = await dataSource.OpenConnectionAsync();
        await LlmGateway.Storage.Postgres.PostgresMigrations.ApplyAsync(connection, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance, CancellationToken.None);
        return dataSource;
    }

    public async Task DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        try
        {
            if (File.Exists(Path.Combine(Data, "postmaster.pid")))
                await RunAsync(Path.Combine(_bin, "pg_ctl"), ["-D", Data, "-w", "-t", "60", "-m", "immediate", "stop"]);
        }
        finally
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    private string ServerLog()
    {
        var log = Path.Combine(_folder, "server.log");
        return File.Exists(log) ? string.Join('\n', File.ReadLines(log).TakeLast(20)) : "(none)";
    }

    private static string? FindBinaries() =>
        Environment.GetEnvironmentVariable("LLMGW_POSTGRES_BIN") is { Length: > 0 } configured ? configured
        : Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin")).Where(d => File.Exists(Path.Combine(d, "initdb")))
                .OrderByDescending(d => d, StringComparer.Ordinal).FirstOrDefault()
            : null;

    private static async Task RunAsync(string file, string[] arguments, bool asPostgres = true)
    {
        var start = new ProcessStartInfo { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (asPostgres && Environment.IsPrivilegedProcess)
        {
            start.FileName = "runuser";
            foreach (var a in (string[])["-u", "postgres", "--", file])
                start.ArgumentList.Add(a);
        }
        else
            start.FileName = file;
        foreach (var a in arguments)
            start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{Path.GetFileName(file)} {string.Join(' ', arguments)} exited with {process.ExitCode}: {await output} {await error}");
    }
}
