using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace LlmGateway.Admin;

/// <summary>
/// Browser sign-ins to the admin pages. The cookie carries a random session token, never the
/// admin key; a one-time link carries a short-lived token, so no key has to go into a URL.
/// Each session and link remembers the digest of the key that opened it, so removing that key
/// from <c>Gateway:Admin:KeySha256</c> ends them. Kept in memory: a restart signs everyone out.
/// </summary>
internal sealed class AdminSessions(TimeProvider time)
{
    public static readonly TimeSpan SessionLifetime = TimeSpan.FromHours(12);
    public static readonly TimeSpan LinkLifetime = TimeSpan.FromMinutes(5);

    /// <summary>Sessions and links held at once; past this the ones expiring first are dropped.</summary>
    public const int Capacity = 1024;

    private readonly ConcurrentDictionary<string, Grant> _grants = new(StringComparer.Ordinal);

    /// <summary>Opens a session for the key whose digest is <paramref name="keyDigest"/>; returns the cookie value.</summary>
    public string OpenSession(string keyDigest) => Add(keyDigest, SessionLifetime, singleUse: false);

    /// <summary>A one-time sign-in token for the key whose digest is <paramref name="keyDigest"/>.</summary>
    public (string Token, DateTimeOffset ExpiresAt) CreateLink(string keyDigest)
    {
        var token = Add(keyDigest, LinkLifetime, singleUse: true);
        return (token, time.GetUtcNow() + LinkLifetime);
    }

    /// <summary>The digest of the session's key when <paramref name="token"/> is a live session whose key is still an admin key; otherwise null.</summary>
    public string? SessionKeyDigest(string token, IReadOnlyCollection<string> adminKeyDigests) =>
        TryGet(token, singleUse: false, out var grant) && IsAllowed(grant, adminKeyDigests) ? grant.KeyDigest : null;

    /// <summary>Spends a one-time link: the digest of the key it was made for, or null when unknown, used, expired or revoked.</summary>
    public string? RedeemLink(string token, IReadOnlyCollection<string> adminKeyDigests)
    {
        if (!TryGet(token, singleUse: true, out var grant) || !_grants.TryRemove(new KeyValuePair<string, Grant>(token, grant)))
        {
            return null; // a second redemption loses the race here
        }

        return IsAllowed(grant, adminKeyDigests) ? grant.KeyDigest : null;
    }

    /// <summary>Ends a session (sign-out).</summary>
    public void Close(string token) => _grants.TryRemove(token, out _);

    private string Add(string keyDigest, TimeSpan lifetime, bool singleUse)
    {
        var now = time.GetUtcNow();
        if (_grants.Count >= Capacity)
        {
            Evict(now);
        }

        var token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        _grants[token] = new Grant(keyDigest, now + lifetime, singleUse);
        return token;
    }

    private bool TryGet(string token, bool singleUse, out Grant grant)
    {
        if (token.Length == 0 || !_grants.TryGetValue(token, out grant!) || grant.SingleUse != singleUse)
        {
            grant = null!;
            return false;
        }

        if (grant.ExpiresAt > time.GetUtcNow())
        {
            return true;
        }

        _grants.TryRemove(new KeyValuePair<string, Grant>(token, grant));
        return false;
    }

    private void Evict(DateTimeOffset now)
    {
        foreach (var (token, grant) in _grants)
        {
            if (grant.ExpiresAt <= now)
            {
                _grants.TryRemove(token, out _);
            }
        }

        foreach (var (token, _) in _grants.OrderBy(g => g.Value.ExpiresAt).Take(_grants.Count - Capacity + 1))
        {
            _grants.TryRemove(token, out _);
        }
    }

    private static bool IsAllowed(Grant grant, IReadOnlyCollection<string> adminKeyDigests) =>
        adminKeyDigests.Contains(grant.KeyDigest, StringComparer.OrdinalIgnoreCase);

    private sealed record Grant(string KeyDigest, DateTimeOffset ExpiresAt, bool SingleUse);
}
