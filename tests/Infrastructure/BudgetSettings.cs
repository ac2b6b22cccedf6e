using LlmGateway.Budgets.Ledger;
using Microsoft.Extensions.DependencyInjection;

namespace LlmGateway.Tests.Infrastructure;

/// <summary>Gateway settings with prices, a private storage folder, and helpers to read the ledger of a running gateway.</summary>
internal static class BudgetSettings
{
    /// <summary>gpt-4o-mini: $0.15 / $0.075 cached / $0.60 per 1M; embeddings $0.02 per 1M. The cache is off (see <c>CacheSavingsTests</c> for it on).</summary>
    public static Dictionary<string, string?> With(string upstreamBaseUrl, string storage)
    {
        var settings = GatewayHost.BasicSettings(upstreamBaseUrl);
        settings["Gateway:Storage:Path"] = storage;
        // Tests here count exact spend of identical requests; the cache would answer the repeats.
        settings["Gateway:Cache:Enabled"] = "false";
        settings["Gateway:Prices:gpt-4o-mini:InputPer1M"] = "0.15";
        settings["Gateway:Prices:gpt-4o-mini:CachedInputPer1M"] = "0.075";
        settings["Gateway:Prices:gpt-4o-mini:OutputPer1M"] = "0.60";
        settings["Gateway:Prices:gpt-4o-mini:MaxOutputTokens"] = "1000";
        settings["Gateway:Prices:text-embedding-3-small:InputPer1M"] = "0.02";
        return settings;
    }

    public static string TempStorage()
    {
        var path = TestTemp.NewPath("budgets");
        Directory.CreateDirectory(path);
        return path;
    }

    public static List<UsageRecord> Records(GatewayHost gateway) =>
        gateway.App.Services.GetRequiredService<LedgerKeeper>().Ledger.Read().Select(r => r.Record!).ToList();

    /// <summary>Waits until the ledger holds <paramref name="count"/> committed records (settlement ends after the client saw the response).</summary>
    public static Task<List<UsageRecord>> WaitForRecordsAsync(GatewayHost gateway, int count) =>
        Eventually.ReadAsync(() => Records(gateway), records => records.Count >= count);
}
