namespace LlmGateway.Metrics.Dashboard;

/// <summary>
/// The last day of the gateway's own counters, one point a minute (<see cref="MetricsHistorySampler"/>), so the
/// dashboard can chart request rate, 5xx ratio, latency percentiles and cache hit ratio over the last hours. In memory
/// and bounded (<see cref="Capacity"/> points, ~40 KB): a restart starts an empty history; Prometheus keeps the long one.
/// One writer (the sampler); readers copy under the lock.
/// </summary>
internal sealed class MetricsHistory(MetricsPipeline pipeline, TimeProvider time)
{
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);

    /// <summary>24 hours of intervals, plus the point they start from.</summary>
    public const int Capacity = 24 * 60 + 1;

    private readonly Lock _lock = new();
    private readonly LinkedList<Point> _points = new();

    public TimeProvider Time => time;

    /// <summary>When the newest point was taken; null before the first.</summary>
    public DateTimeOffset? LastSampleAt
    {
        get
        {
            lock (_lock)
                return _points.Last?.Value.At;
        }
    }

    /// <summary>Reads the counters now and appends them (replacing the last point when it is less than half an interval old).</summary>
    public async Task SampleAsync(CancellationToken cancellationToken)
    {
        var snapshot = MetricsSnapshot.Parse(await pipeline.ScrapeTextAsync(cancellationToken));
        Add(Point.From(snapshot, time.GetUtcNow()));
    }

    internal void Add(Point point)
    {
        lock (_lock)
        {
            if (_points.Last is { } last && point.At - last.Value.At < Interval / 2)
                _points.RemoveLast();
            _points.AddLast(point);
            while (_points.Count > Capacity)
                _points.RemoveFirst();
        }
    }

    /// <summary>Rates per interval for intervals ending within <paramref name="window"/> of now, oldest first.</summary>
    public List<Rates> Since(TimeSpan window)
    {
        Point[] points;
        lock (_lock)
            points = [.. _points];
        var since = time.GetUtcNow() - window;
        var rates = new List<Rates>();
        for (var i = 1; i < points.Length; i++)
        {
            if (points[i].At > since)
                rates.Add(Rates.Between(points[i - 1], points[i]));
        }
        return rates;
    }

    /// <summary>Cumulative counters at one moment; <see cref="Counts"/> per bucket of the merged request-duration histogram.</summary>
    internal sealed record Point(DateTimeOffset At, double Requests, double ServerErrors, double Hits, double Misses, double[] Bounds, long[] Counts)
    {
        public static Point From(MetricsSnapshot s, DateTimeOffset at)
        {
            var requests = s.Values(MetricFamilies.Requests);
            var lookups = s.Values(MetricFamilies.CacheLookups);
            var counts = HistogramQuantile.Merge(s.Histograms(MetricFamilies.RequestDuration), out var bounds);
            return new Point(at,
                requests.Sum(r => r.Value),
                requests.Where(r => r.Label("status_class") == "5xx").Sum(r => r.Value),
                lookups.Where(l => l.Label("result") == "hit").Sum(l => l.Value),
                lookups.Where(l => l.Label("result") != "hit").Sum(l => l.Value),
                bounds, counts);
        }
    }

    /// <summary>One interval; NaN where it had no requests (or no lookups).</summary>
    internal sealed record Rates(DateTimeOffset At, double RequestsPerSecond, double ServerErrorRatio, double P50, double P95, double CacheHitRatio)
    {
        public static Rates Between(Point a, Point b)
        {
            var seconds = (b.At - a.At).TotalSeconds;
            var requests = b.Requests - a.Requests;
            var hits = b.Hits - a.Hits;
            var lookups = hits + b.Misses - a.Misses;
            var p50 = double.NaN;
            var p95 = double.NaN;
            if (a.Counts.Length == b.Counts.Length && b.Counts.Length > 0)
            {
                var delta = new long[b.Counts.Length];
                for (var i = 0; i < delta.Length; i++)
                    delta[i] = Math.Max(0, b.Counts[i] - a.Counts[i]);
                p50 = HistogramQuantile.Estimate(0.50, b.Bounds, delta);
                p95 = HistogramQuantile.Estimate(0.95, b.Bounds, delta);
            }
            else if (a.Counts.Length == 0)
            {
                p50 = HistogramQuantile.Estimate(0.50, b.Bounds, b.Counts);
                p95 = HistogramQuantile.Estimate(0.95, b.Bounds, b.Counts);
            }
            return new Rates(b.At,
                seconds > 0 && requests >= 0 ? requests / seconds : double.NaN,
                requests > 0 ? (b.ServerErrors - a.ServerErrors) / requests : double.NaN,
                p50, p95,
                lookups > 0 ? hits / lookups : double.NaN);
        }
    }
}
