namespace LlmGateway.Auth;

/// <summary>Who is calling: set as a request feature by <see cref="TeamKeyAuthMiddleware"/>.</summary>
internal sealed record TeamIdentity(string Team, string KeyId, TeamOptions Options)
{
    public bool MayUse(string requestedName, string canonicalName) =>
        Options.Models.Count == 0
        || Options.Models.Contains(requestedName, StringComparer.OrdinalIgnoreCase)
        || Options.Models.Contains(canonicalName, StringComparer.OrdinalIgnoreCase);
}
