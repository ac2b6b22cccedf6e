using System.Collections.Concurrent;
using LlmGateway.Gateway;

namespace LlmGateway.Budgets.RateLimiting;

/// <summary>
/// Requests-per-minute and tokens-per-minute buckets per team. With <c>Gateway:Storage:Replicas</c> = N each replica
/// enforces ⌈limit / N⌉ of its own (no round trip per request; exact only when the balancer spreads a team evenly).
/// </summary>
internal sealed class TeamRateLimiter(TimeProvider time, GatewayConfigStore? config = null)
{
    private readonly ConcurrentDictionary<string, (TokenBucket Requests, TokenBucket Tokens)> _teams = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Checks and takes one request and <paramref name="tokens"/> (estimated) from the team's buckets; null when the team has no rate limit.</summary>
    public RateLimitDecision? Admit(string team, RateLimitOptions? limits, long tokens)
    {
        limits = Share(limits);
        if (limits is null || (limits.Rpm is null && limits.Tpm is null))
            return null;
        var buckets = _teams.GetOrAdd(team, static _ => (new TokenBucket(), new TokenBucket()));
        var now = time.GetTimestamp();
        var frequency = time.TimestampFrequency;
        BucketResult requests = default, taken = default;
        if (limits.Rpm is { } rpm)
        {
            requests = buckets.Requests.TryTake(rpm, 1, now, frequency);
            if (!requests.Taken)
                return Decision(limits, requests, taken, RejectionReason.RateLimitRequests, requests.RetryAfter, 0);
        }
        if (limits.Tpm is { } tpm)
        {
            taken = buckets.Tokens.TryTake(tpm, tokens, now, frequency);
            if (!taken.Taken)
            {
                if (limits.Rpm is { } capacity)
                    buckets.Requests.Adjust(1, capacity);
                return Decision(limits, requests, taken, RejectionReason.RateLimitTokens, taken.RetryAfter, 0);
            }
        }
        return Decision(limits, requests, taken, null, TimeSpan.Zero, limits.Tpm is null ? 0 : tokens);
    }

    /// <summary>After settlement: gives back tokens taken but not used, or takes what was used beyond them.</summary>
    public void Settle(string team, RateLimitOptions? limits, long taken, long used)
    {
        limits = Share(limits);
        if (limits?.Tpm is not { } tpm || taken == used || !_teams.TryGetValue(team, out var buckets))
            return;
        buckets.Tokens.Adjust(taken - used, tpm);
    }

    /// <summary>This replica's share of the team's limits.</summary>
    private RateLimitOptions? Share(RateLimitOptions? limits)
    {
        var replicas = config?.Current.Options.Storage.Replicas ?? 1;
        if (limits is null || replicas <= 1)
            return limits;
        return new RateLimitOptions { Rpm = Part(limits.Rpm, replicas), Tpm = Part(limits.Tpm, replicas) };
    }

    private static int? Part(int? limit, int replicas) => limit is { } l ? Math.Max(1, (l + replicas - 1) / replicas) : null;

    private static RateLimitDecision Decision(RateLimitOptions limits, BucketResult requests, BucketResult tokens, RejectionReason? rejected, TimeSpan retryAfter, long taken) => new()
    {
        LimitRequests = limits.Rpm,
        RemainingRequests = (long)Math.Floor(requests.Remaining),
        ResetRequests = requests.UntilFull,
        LimitTokens = limits.Tpm,
        RemainingTokens = (long)Math.Floor(tokens.Remaining),
        ResetTokens = tokens.UntilFull,
        Rejected = rejected,
        RetryAfter = retryAfter,
        TokensTaken = taken,
    };
}
