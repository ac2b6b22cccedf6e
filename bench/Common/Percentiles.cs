namespace LlmGateway.Bench.Common;

/// <summary>Latency samples in milliseconds and their percentiles.</summary>
internal sealed class Percentiles
{
    private readonly List<double> _samples = [];
    private readonly Lock _lock = new();

    public int Count { get { lock (_lock) return _samples.Count; } }

    public void Add(double milliseconds)
    {
        lock (_lock) _samples.Add(milliseconds);
    }

    public double this[double percentile]
    {
        get
        {
            lock (_lock)
            {
                if (_samples.Count == 0) return double.NaN;
                _samples.Sort();
                var index = (int)Math.Ceiling(percentile / 100.0 * _samples.Count) - 1;
                return _samples[Math.Clamp(index, 0, _samples.Count - 1)];
            }
        }
    }
}
