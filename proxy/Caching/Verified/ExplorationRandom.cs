namespace LlmGateway.Caching.Verified;

/// <summary>The draw handed to <see cref="ErrorBound.Decide"/>: uniform in [0, 1). Tests register a seeded one.</summary>
internal sealed class ExplorationRandom(int? seed = null)
{
    private readonly Random _random = seed is { } s ? new Random(s) : new Random();
    private readonly Lock _lock = new();

    public double NextDouble()
    {
        lock (_lock) return _random.NextDouble();
    }
}
