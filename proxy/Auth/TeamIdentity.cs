namespace LlmGateway.Auth;

/// <summary>
/// Who is calling, immutable: set as a request feature by <see cref="TeamKeyAuthMiddleware"/> (its only writer) for the
/// parsing step, <c>/v1/models</c> and the access log; the proxy steps read it on the exchange (<c>IGatewayExchange.Team</c>).
/// </summary>
internal sealed record TeamIdentity(string Team, string KeyId, TeamOptions Options)
{
    public bool MayUse(string requestedName, string canonicalName) =>
        Options.Models.Count == 0
        || Options.Models.Contains(requestedName, StringComparer.OrdinalIgnoreCase)
        || Options.Models.Contains(canonicalName, StringComparer.OrdinalIgnoreCase);
}
