using LlmGateway.Budgets.Ledger;

namespace LlmGateway.Budgets.Finance;

/// <summary><c>LlmGateway usage --from 2026-11-01 --to 2026-11-30 [--storage PATH] [--format csv|json]</c>: the usage report, read from the ledger (read-only; the gateway may be running).</summary>
internal static class UsageCommand
{
    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        string? Arg(string name)
        {
            var i = Array.IndexOf(args, name);
            return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
        }
        var format = Arg("--format") ?? "csv";
        if (!UsageReport.TryParseDates(Arg("--from"), Arg("--to"), out var from, out var to, out var problem) || format is not ("csv" or "json"))
        {
            error.WriteLine(problem ?? "--format must be csv or json.");
            error.WriteLine("usage: LlmGateway usage --from yyyy-MM-dd --to yyyy-MM-dd [--storage PATH] [--format csv|json]");
            return 2;
        }
        var directory = LedgerKeeper.LedgerDirectory(Arg("--storage") ?? new Storage.StorageOptions().Path);
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
