using LlmGateway.Budgets.Accounts;

namespace LlmGateway.Tests.Storage.Postgres;

/// <summary>The budget store contract on the embedded store (in-process accounts; the FASTER ledger replays into them).</summary>
public sealed class FasterBudgetStoreTests : BudgetStoreContract
{
    private protected override Task<IBudgetStore> CreateStoreAsync() => Task.FromResult<IBudgetStore>(new BudgetEngine(new AccountBook()));
}
