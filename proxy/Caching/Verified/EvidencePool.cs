namespace LlmGateway.Caching.Verified;

/// <summary>
/// Evidence pooled over all entries of one team scope and model, kept per score band (<see cref="ScoreBands"/>): how many
/// lookups fell in the band (the weights of the served-hit error, counted by <see cref="ErrorBound.Decide"/>) and how many
/// of them were verified and found different. Rebuilt at startup from the entries' evidence through <see cref="Add"/>
/// (lookup counts are not stored: until new lookups arrive a band weighs as many lookups as it has observations).
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
        _lookups = new long[bands.Count];
        _observations = new long[bands.Count];
        _different = new long[bands.Count];
    }

    public ScoreBands Bands { get; }

    public long Observations => Total(_observations);

    public long Different => Total(_different);

    /// <summary>The band from which the last decision served (-1: none), for the estimated-error metric.</summary>
    public int ServedFrom
    {
        get => Volatile.Read(ref _servedFrom);
        internal set => Volatile.Write(ref _servedFrom, value);
    }

    /// <summary>One verified lookup (<see cref="ErrorBound.Record"/>, or an entry's stored evidence at startup).</summary>
    public void Add(double score, bool same)
    {
        var band = Bands.Of(score);
        if (band < 0) return;
        Interlocked.Increment(ref _observations[band]);
        if (!same)
            Interlocked.Increment(ref _different[band]);
    }

    private static long Total(long[] counts)
    {
        long total = 0;
        for (var i = 0; i < counts.Length; i++)
            total += Interlocked.Read(ref counts[i]);
        return total;
    }

    internal void CountLookup(int band) => Interlocked.Increment(ref _lookups[band]);

    /// <summary>A consistent-enough copy of one band's counts (each counter is read atomically).</summary>
    internal BandCounts Counts(int band)
    {
        var observations = Interlocked.Read(ref _observations[band]);
        return new BandCounts(Math.Max(Interlocked.Read(ref _lookups[band]), observations), observations, Math.Min(Interlocked.Read(ref _different[band]), observations));
    }

    /// <summary>Lookups that fell in a band (never fewer than its observations), observations and those that were different.</summary>
    internal readonly record struct BandCounts(long Lookups, long Observations, long Different);
}
