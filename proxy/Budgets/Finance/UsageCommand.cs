using System.CommandLine;
using LlmGateway.Budgets.Ledger;
using LlmGateway.Gateway;

namespace LlmGateway.Budgets.Finance;

/// <summary>
/// <c>LlmGateway usage [--from 2026-11-01] [--to 2026-11-30] [--storage PATH] [--format csv|json]</c>: the usage report,
/// read from the ledger (read-only; the gateway may be running). Without dates: the current month (UTC); the range read
/// is said on stderr, so the report itself stays clean for a pipe.
/// </summary>
internal static class UsageCommand
{
    public static Command Create(TimeProvider time)
    {
        var from = new Option<string>("--from") { Description = "First day, yyyy-MM-dd (UTC). Default: the first day of the current month." };
        var to = new Option<string>("--to") { Description = "Last day, yyyy-MM-dd (UTC), included. Default: the last day of --from's month." };
        var storage = new Option<string>("--storage") { Description = "The gateway's Gateway:Storage:Path.", DefaultValueFactory = _ => new Storage.StorageOptions().Path };
        var postgres = new Option<string>("--postgres") { Description = "With Gateway:Storage:Provider = postgres: the gateway's Gateway:Storage:ConnectionString (reads the usage_daily view instead of a ledger folder)." };
        var format = new Option<string>("--format") { Description = "Report format.", DefaultValueFactory = _ => "csv" }.AcceptOnlyFromAmong("csv", "json");
        var command = new Command("usage", "Spend report by day, team and model, from the ledger (read-only; the gateway may be running).") { from, to, storage, postgres, format };
        command.SetAction(parsed => Run(
            parsed.GetValue(from), parsed.GetValue(to), time, parsed.GetValue(storage)!, parsed.GetValue(postgres), parsed.GetValue(format)!, parsed.InvocationConfiguration.Output, parsed.InvocationConfiguration.Error));
        return command;
    }

    private static int Run(string? fromText, string? toText, TimeProvider time, string storage, string? postgres, string format, TextWriter output, TextWriter error)
    {
        if (!UsageReport.TryParseDates(fromText, toText, time, out var from, out var to, out var problem))
        {
            error.WriteLine(problem);
            error.WriteLine("usage: LlmGateway usage [--from yyyy-MM-dd] [--to yyyy-MM-dd] [--storage PATH | --postgres CONNECTION_STRING] [--format csv|json]");
            return GatewayCommandLine.UsageError;
        }
        if (postgres is not null)
            return RunOnPostgres(from, to, postgres, format, output, error);

        var directory = LedgerKeeper.LedgerDirectory(storage);
        if (!Directory.Exists(directory))
        {
            error.WriteLine($"No ledger at '{directory}' (use --storage with the gateway's Gateway:Storage:Path).");
            return 1;
        }

        using var ledger = UsageLedger.Open(directory, readOnly: true);
        var rows = UsageReport.Build(ledger.Read().Select(r => r.Record).OfType<UsageRecord>(), from, to);
        error.WriteLine($"Usage from {from:yyyy-MM-dd} to {to:yyyy-MM-dd} (UTC days, both included), ledger '{directory}': {rows.Count} row(s).");
        output.Write(format == "json" ? UsageReport.Json(rows, from, to) + "\n" : UsageReport.Csv(rows));
        return 0;
    }

    private static int RunOnPostgres(DateOnly from, DateOnly to, string connectionString, string format, TextWriter output, TextWriter error)
    {
        List<UsageRow> rows;
        string server;
        try
        {
            var builder = new Npgsql.NpgsqlConnectionStringBuilder(connectionString);
            server = $"{builder.Host}:{builder.Port}/{builder.Database}";
            using var dataSource = Npgsql.NpgsqlDataSource.Create(builder);
            rows = new Storage.Postgres.PostgresUsageReader(dataSource).Usage(from, to);
        }
        catch (Exception ex) when (ex is Npgsql.NpgsqlException or ArgumentException or System.Net.Sockets.SocketException)
        {
            error.WriteLine($"Cannot read usage from PostgreSQL: {ex.GetBaseException().Message.ReplaceLineEndings(" ")}");
            return 1;
        }
        error.WriteLine($"Usage from {from:yyyy-MM-dd} to {to:yyyy-MM-dd} (UTC days, both included), PostgreSQL {server}: {rows.Count} row(s).");
        output.Write(format == "json" ? UsageReport.Json(rows, from, to) + "\n" : UsageReport.Csv(rows));
        return 0;
    }
}
