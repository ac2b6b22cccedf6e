namespace LlmGateway.Caching.Verified;

/// <summary>
/// What verification has observed for one cached entry: for each explored lookup, its score and whether the fresh
/// answer was the same as the entry's. Stored with the entry (so it survives restarts and is shared through the
/// PostgreSQL provider) and bounded (<see cref="Capacity"/> most recent observations).
/// </summary>
internal sealed class HitEvidence
{
    public const int Capacity = 64;

    private readonly Lock _lock = new();
    private readonly List<Observation> _observations;

    public HitEvidence() => _observations = [];

    private HitEvidence(List<Observation> observations) => _observations = observations;

    /// <summary>One verified lookup: its score (the hit decision's, see <see cref="HitDecision.Score"/>) and the answers' agreement.</summary>
    public readonly record struct Observation(float Score, bool Same);

    public int Count
    {
        get { lock (_lock) return _observations.Count; }
    }

    public void Add(double score, bool same)
    {
        lock (_lock)
        {
            if (_observations.Count == Capacity)
                _observations.RemoveAt(0);
            _observations.Add(new Observation((float)score, same));
        }
    }

    /// <summary>Whether this entry was ever found different at <paramref name="score"/> or above: then a hit at it is not served.</summary>
    public bool Contradicts(double score)
    {
        var at = (float)score;
        lock (_lock)
        {
            foreach (var o in _observations)
            {
                if (!o.Same && o.Score >= at) return true;
            }
            return false;
        }
    }

    /// <summary>
    /// Whether a lookup at <paramref name="score"/> is confirmed by this entry's own evidence: verified the same at this
    /// score or below, and never found different at this score or above.
    /// </summary>
    public bool Confirms(double score)
    {
        var at = (float)score;
        var same = false;
        lock (_lock)
        {
            foreach (var o in _observations)
            {
                if (!o.Same && o.Score >= at) return false;
                if (o.Same && o.Score <= at) same = true;
            }
        }
        return same;
    }

    public Observation[] Snapshot()
    {
        lock (_lock) return [.. _observations];
    }

    public void Write(BinaryWriter writer)
    {
        var observations = Snapshot();
        writer.Write((byte)observations.Length);
        foreach (var o in observations)
        {
            writer.Write(o.Score);
            writer.Write(o.Same);
        }
    }

    /// <summary>Reads what <see cref="Write"/> wrote; throws <see cref="EndOfStreamException"/> on truncated bytes.</summary>
    public static HitEvidence Read(BinaryReader reader)
    {
        int count = reader.ReadByte();
        if (count > Capacity)
            throw new InvalidDataException("cache entry evidence longer than its capacity");
        var observations = new List<Observation>(count);
        for (var i = 0; i < count; i++)
            observations.Add(new Observation(reader.ReadSingle(), reader.ReadBoolean()));
        return new HitEvidence(observations);
    }
}
