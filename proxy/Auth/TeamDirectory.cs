using System.Collections.Frozen;

namespace LlmGateway.Auth;

/// <summary>Key digest → team; immutable, swapped whole on reload.</summary>
internal sealed class TeamDirectory
{
    private readonly FrozenDictionary<string, TeamIdentity> _byDigest;

    private TeamDirectory(FrozenDictionary<string, TeamIdentity> byDigest) => _byDigest = byDigest;

    public bool TryFind(string sha256Hex, out TeamIdentity identity) => _byDigest.TryGetValue(sha256Hex, out identity!);

    public static TeamDirectory Build(Gateway.GatewayOptions options, List<string> errors)
    {
        var byDigest = new Dictionary<string, TeamIdentity>(StringComparer.OrdinalIgnoreCase);
        var modelNames = options.Models.Keys.Concat(options.Models.Values.SelectMany(m => m.Aliases)).ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var (team, t) in options.Teams)
        {
            var key = $"Gateway:Teams:{team}";
            if (t.KeySha256.Count == 0)
                errors.Add($"{key}:KeySha256: a team needs at least one key digest (create one with 'LlmGateway keys new').");
            for (var i = 0; i < t.KeySha256.Count; i++)
            {
                var digest = t.KeySha256[i]?.Trim().ToLowerInvariant() ?? "";
                if (digest.Length != 64 || !digest.All(Uri.IsHexDigit))
                    errors.Add($"{key}:KeySha256:{i}: not a SHA-256 hex digest (64 hex digits).");
                else if (byDigest.TryGetValue(digest, out var other))
                    errors.Add($"{key}:KeySha256:{i}: the same key is already used by team '{other.Team}'.");
                else
                    byDigest[digest] = new TeamIdentity(team, TeamKeys.KeyId(digest), t);
            }
            for (var i = 0; i < t.Models.Count; i++)
            {
                if (!modelNames.Contains(t.Models[i]))
                    errors.Add($"{key}:Models:{i}: model '{t.Models[i]}' is not defined under Gateway:Models.");
            }
        }
        return new TeamDirectory(byDigest.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase));
    }
}
