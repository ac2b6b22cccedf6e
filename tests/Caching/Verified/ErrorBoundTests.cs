using LlmGateway.Caching.Verified;

namespace LlmGateway.Tests.Caching.Verified;

public sealed class ErrorBoundTests
{
    private const double Delta = 0.02;

    // A draw above every exploration rate below 1: the verdict is then what the evidence says, not exploration.
    private const double NoExploration = 0.999;

    private static void Observe(ErrorBound bound, EvidencePool pool, double score, int same, int different)
    {
        for (var i = 0; i < same; i++) bound.Record(new HitEvidence(), pool, score, same: true);
        for (var i = 0; i < different; i++) bound.Record(new HitEvidence(), pool, score, same: false);
    }

    [Fact]
    public void Serves_once_enough_clean_evidence_exists_above_the_threshold()
    {
        var bound = new ErrorBound();
        var pool = new EvidencePool();
        // 95 % over 16 groups: α = 0.003125 per group; with no failure the bound is 1 − α^(1/n) ≤ 0.02 from n = 286.
        Observe(bound, pool, 0.95, same: 285, different: 0);
        Assert.Equal(BoundVerdict.Explore, bound.Decide(new HitEvidence(), pool, 0.95, Delta, NoExploration));
        Observe(bound, pool, 0.95, same: 1, different: 0);
        Assert.Equal(BoundVerdict.Serve, bound.Decide(new HitEvidence(), pool, 0.95, Delta, NoExploration));
        Assert.Equal(0.9, bound.Threshold(pool, Delta));
        // Below the threshold nothing is known yet: every lookup there is verified.
        Assert.Equal(BoundVerdict.Explore, bound.Decide(new HitEvidence(), pool, 0.82, Delta, NoExploration));
        Assert.Equal(BoundVerdict.Skip, bound.Decide(new HitEvidence(), pool, 0.3, Delta, 0.0));
    }

    [Theory]
    [InlineData(0.10)]
    [InlineData(0.03)]
    public void Never_serves_with_contradicting_evidence(double errorRate)
    {
        var bound = new ErrorBound();
        var pool = new EvidencePool();
        var different = (int)(5000 * errorRate);
        Observe(bound, pool, 0.95, same: 5000 - different, different);
        Assert.Null(bound.Threshold(pool, Delta));
        for (var i = 0; i < 100; i++)
            Assert.NotEqual(BoundVerdict.Serve, bound.Decide(new HitEvidence(), pool, 0.95, Delta, i / 100.0));
    }

    [Fact]
    public void An_entry_found_different_is_not_served_at_or_below_that_score()
    {
        var bound = new ErrorBound();
        var pool = new EvidencePool();
        Observe(bound, pool, 0.95, same: 2000, different: 0);
        var entry = new HitEvidence();
        bound.Record(entry, pool, 0.93, same: false);
        Assert.Equal(BoundVerdict.Skip, bound.Decide(entry, pool, 0.93, Delta, NoExploration));
        Assert.Equal(BoundVerdict.Skip, bound.Decide(entry, pool, 0.91, Delta, NoExploration));
        Assert.Equal(BoundVerdict.Serve, bound.Decide(entry, pool, 0.97, Delta, NoExploration));
        Assert.Equal(BoundVerdict.Serve, bound.Decide(new HitEvidence(), pool, 0.93, Delta, NoExploration));
        // The blocked entry is still explored at the group's rate, so the group's sample stays uniform.
        Assert.Equal(BoundVerdict.Explore, bound.Decide(entry, pool, 0.93, Delta, 0.0));
    }

    [Fact]
    public void Exploration_falls_as_evidence_grows()
    {
        var bound = new ErrorBound(servedExploration: 0.05, minUnservedExploration: 0.2, enoughObservations: 1000);
        var pool = new EvidencePool();
        double Share(double score)
        {
            var explored = 0;
            for (var i = 0; i < 1000; i++)
                explored += bound.Decide(new HitEvidence(), pool, score, Delta, (i + 0.5) / 1000) == BoundVerdict.Explore ? 1 : 0;
            return explored / 1000.0;
        }
        // Not served (a band with 10 % errors): all verified while evidence is short, then fewer, never under the floor.
        Assert.Equal(1.0, Share(0.82));
        Observe(bound, pool, 0.82, same: 1800, different: 200);
        Assert.Equal(0.5, Share(0.82), 2);
        Observe(bound, pool, 0.82, same: 7200, different: 800);
        Assert.Equal(0.2, Share(0.82), 2);
        // Served: ε only.
        Observe(bound, pool, 0.95, same: 3000, different: 0);
        Assert.Equal(0.05, Share(0.95), 2);
    }

    [Theory]
    [InlineData(1, 0.01)]
    [InlineData(2, 0.02)]
    [InlineData(3, 0.05)]
    public void The_bound_holds_on_a_synthetic_stream_with_known_error_rates(int seed, double delta)
    {
        // Scores uniform in [0.5, 1); a hit is wrong with probability 0.5 % above 0.9, 3 % in [0.8, 0.9), 20 % below.
        static double ErrorAt(double score) => score >= 0.9 ? 0.005 : score >= 0.8 ? 0.03 : 0.2;
        var random = new Random(seed);
        var bound = new ErrorBound();
        var pool = new EvidencePool();
        int hits = 0, wrong = 0;
        for (var i = 0; i < 60_000; i++)
        {
            var score = 0.5 + (random.NextDouble() * 0.5);
            var isWrong = random.NextDouble() < ErrorAt(score);
            var entry = new HitEvidence();
            switch (bound.Decide(entry, pool, score, delta, random.NextDouble()))
            {
                case BoundVerdict.Serve:
                    hits++;
                    wrong += isWrong ? 1 : 0;
                    break;
                case BoundVerdict.Explore:
                    bound.Record(entry, pool, score, same: !isWrong);
                    break;
            }
        }
        Assert.True(hits > 500, $"{hits} hits");
        Assert.True(wrong <= delta * hits, $"{wrong} wrong of {hits}");
        // The final threshold's true served error (uniform scores: the mean of ErrorAt over [t, 1)) is within δ too.
        var t = bound.Threshold(pool, delta)!.Value;
        var trueError = Enumerable.Range(0, 10_000).Select(k => ErrorAt(t + ((1 - t) * (k + 0.5) / 10_000))).Average();
        Assert.True(trueError <= delta, $"threshold {t}: true error {trueError}");
    }

    [Fact]
    public void An_entry_confirmed_at_a_score_serves_where_unconfirmed_ones_do_not()
    {
        var bound = new ErrorBound();
        var pool = new EvidencePool();
        // Unconfirmed lookups at 0.82 are wrong 10 % of the time; lookups of entries already verified the same at or
        // below their score never were.
        Observe(bound, pool, 0.82, same: 900, different: 100);
        for (var i = 0; i < 400; i++)
        {
            var seen = new HitEvidence();
            seen.Add(0.81, same: true);
            bound.Record(seen, pool, 0.82, same: true);
        }
        Assert.Null(bound.Threshold(pool, Delta));
        Assert.Equal(0.8, bound.ConfirmedThreshold(pool, Delta));
        var confirmed = new HitEvidence();
        bound.Record(confirmed, pool, 0.80, same: true);
        Assert.Equal(BoundVerdict.Serve, bound.Decide(confirmed, pool, 0.82, Delta, NoExploration));
        Assert.NotEqual(BoundVerdict.Serve, bound.Decide(new HitEvidence(), pool, 0.82, Delta, NoExploration));
        // Confirmation needs a "same" at or below the score.
        Assert.NotEqual(BoundVerdict.Serve, bound.Decide(confirmed, pool, 0.79, Delta, NoExploration));
    }

    [Fact]
    public void A_pool_rebuilt_from_stored_evidence_decides_as_before()
    {
        var bound = new ErrorBound();
        var pool = new EvidencePool();
        var entries = Enumerable.Range(0, 10).Select(_ => new HitEvidence()).ToArray();
        for (var i = 0; i < 600; i++)
            bound.Record(entries[i % entries.Length], pool, 0.85 + (i % 7 * 0.02), same: i % 50 != 0);
        var rebuilt = new EvidencePool();
        foreach (var e in entries)
        {
            using var bytes = new MemoryStream();
            e.Write(new BinaryWriter(bytes));
            bytes.Position = 0;
            rebuilt.Rebuild(HitEvidence.Read(new BinaryReader(bytes)));
        }
        // Entries keep their last 64 observations: each holds its 60.
        Assert.Equal(pool.Observations, rebuilt.Observations);
        for (var g = 0; g < pool.Groups; g++)
            Assert.Equal(pool.Counts(g), rebuilt.Counts(g));
        Assert.Equal(bound.Served(pool, 0.05), bound.Served(rebuilt, 0.05));
    }

    [Theory]
    [InlineData(0, 100, 0.01)]
    [InlineData(0, 1000, 0.005)]
    [InlineData(5, 500, 0.05)]
    [InlineData(50, 500, 0.01)]
    public void The_binomial_bound_is_above_the_rate_and_exact_without_failures(int failures, int trials, double alpha)
    {
        var upper = BinomialBound.Upper(failures, trials, alpha);
        Assert.True(upper > failures / (double)trials);
        if (failures == 0)
            Assert.Equal(1 - Math.Pow(alpha, 1.0 / trials), upper, 10);
        // Chernoff: at the bound, P(Binomial(n, upper) ≤ failures) ≈ ≤ α; checked by the exact binomial tail.
        Assert.True(BinomialTail(failures, trials, upper) <= alpha * 1.0001);
    }

    private static double BinomialTail(int k, int n, double p)
    {
        double sum = 0, logTerm = n * Math.Log(1 - p);
        for (var i = 0; i <= k; i++)
        {
            sum += Math.Exp(logTerm);
            logTerm += Math.Log((double)(n - i) / (i + 1)) + Math.Log(p / (1 - p));
        }
        return sum;
    }
}
