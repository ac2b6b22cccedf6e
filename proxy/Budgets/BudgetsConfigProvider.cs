using System.Collections.Frozen;
using LlmGateway.Budgets.Accounts;
using LlmGateway.Budgets.Pricing;
using LlmGateway.Gateway;

namespace LlmGateway.Budgets;

/// <summary>Gives the <see cref="BudgetsConfig"/> of the current configuration generation, rebuilt when the generation changes.</summary>
internal sealed class BudgetsConfigProvider(GatewayConfigStore store, IConfiguration configuration)
{
    private volatile BudgetsConfig? _current;

    public BudgetsConfig Current
    {
        get
        {
            var state = store.Current;
            var current = _current;
            if (current is not null && current.Generation == state.Generation)
                return current;
            current = Build(state, configuration);
            _current = current;
            return current;
        }
    }

    public static BudgetsConfig Build(GatewayState state, IConfiguration configuration)
    {
        var accounting = configuration.GetSection(AccountingOptions.Section).Get<AccountingOptions>() ?? new AccountingOptions();
        var policies = state.Budgets.Budgets.ToFrozenDictionary(t => t.Key, t => BudgetPolicy.From(t.Value), StringComparer.OrdinalIgnoreCase);
        return new BudgetsConfig(state.Generation, PriceTable.Build(state.Options, state.Routing), accounting, policies, state.Budgets);
    }
}
