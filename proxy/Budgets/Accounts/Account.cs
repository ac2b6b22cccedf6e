namespace LlmGateway.Budgets.Accounts;

/// <summary>
/// One team's (or one key's) money: spend per 15-minute bucket (what replay rebuilds and snapshots keep), the
/// running totals of the current day/week/month, and what in-flight requests have reserved. Every method
/// takes the account's lock for a few hundred nanoseconds and never awaits under it.
/// </summary>
internal sealed class Account(string team, string? keyId)
{
    /// <summary>15 minutes: every real time zone's offset is a multiple of it, so periods are whole buckets.</summary>
    public static readonly long BucketTicks = TimeSpan.FromMinutes(15).Ticks;
    private static readonly TimeSpan Retention = TimeSpan.FromDays(40);

    private readonly Lock _lock = new();
    private readonly Dictionary<long, Bucket> _buckets = [];
    private readonly PeriodState[] _periods = new PeriodState[3];
    private TimeZoneInfo? _zone;
    private decimal _reservedUsd;
    private long _reservedTokens;

    public string Team { get; } = team;

    public string? KeyId { get; } = keyId;

    /// <summary>Reserves <paramref name="usd"/> and <paramref name="tokens"/> if they fit under every limit, else says which limit they break.</summary>
    public BudgetRejection? TryReserve(BudgetPolicy policy, decimal usd, long tokens, DateTimeOffset now)
    {
        lock (_lock)
        {
            Roll(policy, now);
            for (var i = 0; i < _periods.Length; i++)
            {
                if (policy.Limits[i] is not { } limit)
                    continue;
                ref var p = ref _periods[i];
                if (limit.Usd is { } maxUsd && p.Usd + _reservedUsd + usd > maxUsd)
                    return new BudgetRejection(Team, KeyId, (BudgetPeriod)i, maxUsd, null, p.Usd, p.End, policy.Zone);
                if (limit.Tokens is { } maxTokens && p.Tokens + _reservedTokens + tokens > maxTokens)
                    return new BudgetRejection(Team, KeyId, (BudgetPeriod)i, null, maxTokens, p.Usd, p.End, policy.Zone);
            }
            _reservedUsd += usd;
            _reservedTokens += tokens;
            return null;
        }
    }

    public void Release(decimal usd, long tokens)
    {
        lock (_lock)
        {
            _reservedUsd -= usd;
            _reservedTokens -= tokens;
        }
    }

    /// <summary>Replaces a reservation by the real spend; returns the soft thresholds this crossed (null when none, the usual case).</summary>
    public List<ThresholdCrossing>? Settle(BudgetPolicy policy, decimal reservedUsd, long reservedTokens, decimal usd, long tokens, DateTimeOffset now)
    {
        lock (_lock)
        {
            _reservedUsd -= reservedUsd;
            _reservedTokens -= reservedTokens;
            Roll(policy, now);
            AddLocked(now, usd, tokens);
            return Crossings(policy);
        }
    }

    /// <summary>Adds a ledger record's spend (replay at startup).</summary>
    public void Replay(DateTimeOffset time, decimal usd, long tokens)
    {
        lock (_lock)
            AddLocked(time, usd, tokens);
    }

    public PeriodBalance[] Balances(BudgetPolicy policy, DateTimeOffset now)
    {
        lock (_lock)
        {
            Roll(policy, now);
            var result = new PeriodBalance[_periods.Length];
            for (var i = 0; i < result.Length; i++)
            {
                var p = _periods[i];
                result[i] = new PeriodBalance((BudgetPeriod)i, p.Start, p.End, p.Usd, p.Tokens, _reservedUsd, policy.Limits[i]?.Usd, policy.Limits[i]?.Tokens);
            }
            return result;
        }
    }

    /// <summary>The buckets, for a snapshot.</summary>
    public List<(long Bucket, decimal Usd, long Tokens)> Buckets()
    {
        lock (_lock)
            return _buckets.Select(b => (b.Key, b.Value.Usd, b.Value.Tokens)).ToList();
    }

    public void RestoreBucket(long bucket, decimal usd, long tokens)
    {
        lock (_lock)
        {
            _buckets.TryGetValue(bucket, out var b);
            _buckets[bucket] = new Bucket(b.Usd + usd, b.Tokens + tokens);
            _zone = null; // periods are summed again from the buckets on next use
        }
    }

    private void AddLocked(DateTimeOffset time, decimal usd, long tokens)
    {
        var index = time.UtcTicks / BucketTicks;
        ref var bucket = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(_buckets, index, out _);
        bucket = new Bucket(bucket.Usd + usd, bucket.Tokens + tokens);
        if (_zone is null)
            return;
        for (var i = 0; i < _periods.Length; i++)
        {
            ref var p = ref _periods[i];
            if (time >= p.Start && time < p.End)
            {
                p.Usd += usd;
                p.Tokens += tokens;
            }
        }
    }

    /// <summary>Moves each period on when it has ended (or the zone changed): sums it again from the buckets and marks thresholds it already passed as fired.</summary>
    private void Roll(BudgetPolicy policy, DateTimeOffset now)
    {
        var zoneChanged = !ReferenceEquals(_zone, policy.Zone) && _zone?.Id != policy.Zone.Id;
        if (!zoneChanged && _zone is not null && now < _periods[0].End && now < _periods[1].End && now < _periods[2].End)
            return;
        _zone = policy.Zone;
        var oldest = (now - Retention).UtcTicks / BucketTicks;
        foreach (var stale in _buckets.Keys.Where(k => k < oldest).ToList())
            _buckets.Remove(stale);
        for (var i = 0; i < _periods.Length; i++)
        {
            ref var p = ref _periods[i];
            if (!zoneChanged && now >= p.Start && now < p.End)
                continue;
            var (start, end) = PeriodCalendar.Range((BudgetPeriod)i, now, policy.Zone);
            long from = start.UtcTicks / BucketTicks, to = end.UtcTicks / BucketTicks;
            decimal usd = 0;
            long tokens = 0;
            foreach (var (index, bucket) in _buckets)
            {
                if (index >= from && index < to)
                {
                    usd += bucket.Usd;
                    tokens += bucket.Tokens;
                }
            }
            p = new PeriodState { Start = start, End = end, Usd = usd, Tokens = tokens };
            if (policy.Limits[i]?.Usd is { } limit)
            {
                for (var t = 0; t < policy.SoftPercents.Count; t++)
                {
                    if (usd * 100 >= limit * policy.SoftPercents[t])
                        p.Fired |= 1 << t;
                }
            }
        }
    }

    private List<ThresholdCrossing>? Crossings(BudgetPolicy policy)
    {
        List<ThresholdCrossing>? crossed = null;
        for (var i = 0; i < _periods.Length; i++)
        {
            if (policy.Limits[i]?.Usd is not { } limit)
                continue;
            ref var p = ref _periods[i];
            for (var t = 0; t < policy.SoftPercents.Count && t < 31; t++)
            {
                var bit = 1 << t;
                if ((p.Fired & bit) != 0 || p.Usd * 100 < limit * policy.SoftPercents[t])
                    continue;
                p.Fired |= bit;
                (crossed ??= []).Add(new ThresholdCrossing(Team, (BudgetPeriod)i, policy.SoftPercents[t], p.Usd, limit, p.Start, p.End));
            }
        }
        return crossed;
    }

    private struct PeriodState
    {
        public DateTimeOffset Start;
        public DateTimeOffset End;
        public decimal Usd;
        public long Tokens;
        public int Fired;
    }

    private readonly record struct Bucket(decimal Usd, long Tokens);
}
