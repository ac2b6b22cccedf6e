using System.CommandLine;
using LlmGateway.Budgets.Ledger;
using LlmGateway.Gateway;

namespace LlmGateway.Budgets.Finance;

/// <summary><c>LlmGateway usage --from 2026-11-01 --to 2026-11-30 [--storage PATH] [--format csv|json]</c>: the usage report, read from the ledger (read-only; the gateway may be running).</summary>
internal static class UsageCommand
{
    public static Command Create()
    {
        var from = new Option<string>("--from") { Description = "First day, yyyy-MM-dd (UTC).", Required = true };
        var to = new Option<string>("--to") { Description = "Last day, yyyy-MM-dd (UTC), included.", Required = true };
        var storage = new Option<string>("--storage") { Description = "The gateway's Gateway:Storage:Path.", DefaultValueFactory = _ => new Storage.StorageOptions().Path };
        var format = new Option<string>("--format") { Description = "Report format.", DefaultValueFactory = _ => "csv" }.AcceptOnlyFromAmong("csv", "json");
        var command = new Command("usage", "Spend report by day, team and model, from the ledger (read-only; the gateway may be running).") { from, to, storage, format };
        command.SetAction(parsed => Run(
            parsed.GetValue(from), parsed.GetValue(to), parsed.GetValue(storage)!, parsed.GetValue(format)!, parsed.InvocationConfiguration.Output, parsed.InvocationConfiguration.Error));
        return command;
    }

    private static int Run(string? fromText, string? toText, string storage, string format, TextWriter output, TextWriter error)
    {
        if (!UsageReport.TryParseDates(fromText, toText, out var from, out var to, out var problem))
        {
            error.WriteLine(problem);
            error.WriteLine("usage: LlmGateway usage --from yyyy-MM-dd --to yyyy-MM-dd [--storage PATH] [--format csv|json]");
            return GatewayCommandLine.UsageError;
        }

        var directory = LedgerKeeper.LedgerDirectory(storage);
        if (!Directory.Exists(directory))
        {
            error.WriteLine($"No ledger at '{directory}' (use --storage with the gateway's Gateway:Storage:Path).");
            return 1;
        }

        using var ledger = UsageLedger.Open(directory, readOnly: true);
        var rows = UsageReport.Build(ledger.Read().Select(r => r.Record).OfType<UsageRecord>(), from, to);
        output.Write(format == "json" ? UsageReport.Json(rows, from, to) + "\n" : UsageReport.Csv(rows));
        return 0;
    }
}
