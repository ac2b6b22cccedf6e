using LlmGateway.Auth;
using LlmGateway.Routing;

namespace LlmGateway.Gateway;

/// <summary>A validated configuration and what was built from it; immutable, replaced whole on reload.</summary>
internal sealed record GatewayState(GatewayOptions Options, RoutingTable Routing, TeamDirectory Teams, long Generation);
