using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace LlmGateway.Admin;

/// <summary>
/// One-time sign-in links, which cookie authentication does not have: a random token good for one redemption within
/// <see cref="Lifetime"/>, while the key that minted it is still an admin key. In memory: a restart voids open links.
/// </summary>
internal sealed class SignInLinks(TimeProvider time)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(5);

    private readonly ConcurrentDictionary<string, (string KeyDigest, DateTimeOffset ExpiresAt)> _links = new(StringComparer.Ordinal);

    public (string Token, DateTimeOffset ExpiresAt) Create(string keyDigest)
    {
        var now = time.GetUtcNow();
        foreach (var (stale, _) in _links.Where(l => l.Value.ExpiresAt <= now))
            _links.TryRemove(stale, out _);
        var token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        _links[token] = (keyDigest, now + Lifetime);
        return (token, now + Lifetime);
    }

    /// <summary>Spends a link: the digest of the key it was made for, or null when unknown, used, expired or its key was removed.</summary>
    public string? Redeem(string token, IReadOnlyCollection<string> adminKeyDigests) =>
        _links.TryRemove(token, out var link) && link.ExpiresAt > time.GetUtcNow() && AdminAuthentication.IsAdminKeyDigest(link.KeyDigest, adminKeyDigests)
            ? link.KeyDigest : null;
}
