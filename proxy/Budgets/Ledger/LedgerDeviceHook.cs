using FASTER.core;

namespace LlmGateway.Budgets.Ledger;

/// <summary>Wraps the ledger's log device; registered only by tests, to inject storage faults.</summary>
internal sealed record LedgerDeviceHook(Func<IDevice, IDevice> Wrap);
