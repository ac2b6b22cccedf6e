using LlmGateway.Auth;
using LlmGateway.Budgets;
using LlmGateway.Caching;
using LlmGateway.Guard;
using LlmGateway.Routing;

namespace LlmGateway.Gateway;

/// <summary>
/// A validated configuration and what was built from it; immutable, replaced whole on reload. The per-team settings
/// of each capability (<see cref="Budgets"/>, <see cref="Cache"/>, <see cref="Guard"/>) are bound and validated by that
/// capability and reached here by team name.
/// </summary>
internal sealed record GatewayState(
    GatewayOptions Options,
    RoutingTable Routing,
    TeamDirectory Teams,
    BudgetsSettings Budgets,
    TeamSettings<Caching.TeamCacheOptions> Cache,
    TeamSettings<Guard.TeamGuardOptions> Guard,
    long Generation);
