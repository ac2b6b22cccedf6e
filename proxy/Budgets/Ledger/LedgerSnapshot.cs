using System.Text.Json;

namespace LlmGateway.Budgets.Ledger;

/// <summary>
/// Balances (15-minute buckets per team and key) folded from every ledger record below <see cref="UntilAddress"/>.
/// Replay starts from it; it is only ever written when the accounts hold exactly those records (after replay, at shutdown).
/// </summary>
internal sealed record LedgerSnapshot(long UntilAddress, List<AccountSnapshot> Accounts)
{
    public const string FileName = "balances.snapshot.json";

    public static LedgerSnapshot? Load(string directory)
    {
        var path = Path.Combine(directory, FileName);
        if (!File.Exists(path))
            return null;
        try
        {
            return JsonSerializer.Deserialize<LedgerSnapshot>(File.ReadAllBytes(path));
        }
        catch (JsonException)
        {
            return null; // replay everything instead
        }
    }

    /// <summary>Writes atomically: a temporary file, flushed to disk, then renamed over the old one.</summary>
    public void Save(string directory)
    {
        var path = Path.Combine(directory, FileName);
        var temp = path + ".tmp";
        using (var file = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            JsonSerializer.Serialize(file, this);
            file.Flush(flushToDisk: true);
        }
        File.Move(temp, path, overwrite: true);
    }
}
