namespace LlmGateway.Caching.Verified;

/// <summary>
/// Evidence pooled over all entries of one team scope and model, kept per group: a score band (<see cref="ScoreBands"/>)
/// × whether the candidate entry was already confirmed at that score (<see cref="HitEvidence.Confirms"/>). Per group: how
/// many lookups fell in it (the weights of the served-hit error, counted by <see cref="ErrorBound.Decide"/>), how many
/// of them were verified and how many of those were different. Rebuilt at startup from the entries' evidence through
/// <see cref="Rebuild"/> (lookup counts are not stored: until new lookups arrive a group weighs as many lookups as it has
/// observations).
/// </summary>
internal sealed class EvidencePool
{
    private readonly long[] _lookups;
    private readonly long[] _observations;
    private readonly long[] _different;
    private int _servedFrom = -1;

    public EvidencePool()
        : this(ScoreBands.Default)
    {
    }

    public EvidencePool(ScoreBands bands)
    {
        Bands = bands;
        _lookups = new long[Groups];
        _observations = new long[Groups];
        _different = new long[Groups];
    }

    public ScoreBands Bands { get; }

    /// <summary>Bands × {not confirmed, confirmed}: group <c>band</c> or <c>band + Bands.Count</c>.</summary>
    public int Groups => 2 * Bands.Count;

    public long Observations => Total(_observations);

    public long Different => Total(_different);

    /// <summary>The lowest band the last decision served from without confirmation (-1: none), for the estimated-error metric.</summary>
    public int ServedFrom
    {
        get => Volatile.Read(ref _servedFrom);
        internal set => Volatile.Write(ref _servedFrom, value);
    }

    public int Group(int band, bool confirmed) => confirmed ? band + Bands.Count : band;

    /// <summary>One verified lookup of an entry not confirmed at its score (the group <see cref="ErrorBound.Record"/> uses otherwise).</summary>
    public void Add(double score, bool same) => Add(score, same, confirmed: false);

    public void Add(double score, bool same, bool confirmed)
    {
        var band = Bands.Of(score);
        if (band < 0) return;
        var group = Group(band, confirmed);
        Interlocked.Increment(ref _observations[group]);
        if (!same)
            Interlocked.Increment(ref _different[group]);
    }

    /// <summary>At startup: adds one entry's stored observations, each in the group it had when it was made (replayed in order).</summary>
    public void Rebuild(HitEvidence entry)
    {
        var replay = new HitEvidence();
        foreach (var o in entry.Snapshot())
        {
            Add(o.Score, o.Same, replay.Confirms(o.Score));
            replay.Add(o.Score, o.Same);
        }
    }

    internal void CountLookup(int group) => Interlocked.Increment(ref _lookups[group]);

    /// <summary>A consistent-enough copy of one group's counts (each counter is read atomically).</summary>
    internal GroupCounts Counts(int group)
    {
        var observations = Interlocked.Read(ref _observations[group]);
        return new GroupCounts(Math.Max(Interlocked.Read(ref _lookups[group]), observations), observations, Math.Min(Interlocked.Read(ref _different[group]), observations));
    }

    private static long Total(long[] counts)
    {
        long total = 0;
        for (var i = 0; i < counts.Length; i++)
            total += Interlocked.Read(ref counts[i]);
        return total;
    }

    /// <summary>Lookups that fell in a group (never fewer than its observations), observations and those that were different.</summary>
    internal readonly record struct GroupCounts(long Lookups, long Observations, long Different);
}
