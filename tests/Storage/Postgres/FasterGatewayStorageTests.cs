using LlmGateway.Tests.Infrastructure;

namespace LlmGateway.Tests.Storage.Postgres;

/// <summary>The gateway storage contract on the embedded FASTER provider.</summary>
public sealed class FasterGatewayStorageTests : GatewayStorageContract
{
    private protected override Task<Dictionary<string, string?>> NewStorageAsync() =>
        Task.FromResult(new Dictionary<string, string?> { ["Gateway:Storage:Path"] = BudgetSettings.TempStorage() });

    private protected override string[] CliStorage(Dictionary<string, string?> storage) => ["--storage", storage["Gateway:Storage:Path"]!];
}
