using LlmGateway.Auth;
using LlmGateway.Caching;
using LlmGateway.Capture;
using LlmGateway.Routing;

namespace LlmGateway.Gateway;

/// <summary>
/// One request as the proxy pipeline sees it, read-only: every step and the metrics read it here
/// (<c>context.Exchange()</c>). Each field has one writer, a step that holds its own narrow interface
/// (<see cref="IGuardExchange"/>, <see cref="IBudgetsExchange"/>, <see cref="ICachingExchange"/>,
/// <see cref="IFailoverExchange"/>, <see cref="ICaptureExchange"/>); the table in <c>Gateway/README.md</c> says which.
/// </summary>
internal interface IGatewayExchange
{
    /// <summary>Who is calling (the auth step's result). Set when the exchange is created.</summary>
    TeamIdentity Team { get; }

    /// <summary>The request as parsed once, with its resolved model (the routing decision). Set when the exchange is created.</summary>
    GatewayRequest Request { get; }

    /// <summary>True when the guard replaced values in <see cref="GatewayRequest.Body"/> (before any other step read it).</summary>
    bool BodyRedacted { get; }

    /// <summary>What the forward adds for the budgets step (stream usage, a stream cutoff); <see cref="ForwardPlan.None"/> until budgets plans it.</summary>
    ForwardPlan Forward { get; }

    /// <summary>The cache's verdict; null when the caching step did not decide (it did not run, or refused the directives).</summary>
    CacheOutcome? Cache { get; }

    /// <summary>The upstream attempt in flight, or the last one; null before the first forward.</summary>
    UpstreamAttempt? Attempt { get; }

    /// <summary>What the provider sent, as it went by; null when the request was not forwarded.</summary>
    ICapturedResponse? Capture { get; }
}
