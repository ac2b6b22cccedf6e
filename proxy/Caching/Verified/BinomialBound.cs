namespace LlmGateway.Caching.Verified;

/// <summary>
/// A one-sided upper confidence bound on a binomial proportion from the Chernoff–Hoeffding (KL) inequality:
/// the largest q with n·KL(k/n ‖ q) ≤ ln(1/α). Valid at every n (not an approximation like Wald or Wilson):
/// P(true p &gt; bound) ≤ α. With no failures it is 1 − α^(1/n), the exact Clopper–Pearson bound.
/// </summary>
internal static class BinomialBound
{
    public static double Upper(long failures, long trials, double alpha)
    {
        if (trials <= 0) return 1;
        var p = failures / (double)trials;
        if (p >= 1) return 1;
        var budget = Math.Log(1 / alpha) / trials;
        if (failures == 0) return -double.ExpM1(-budget);
        double low = p, high = 1;
        for (var i = 0; i < 60; i++)
        {
            var mid = (low + high) / 2;
            if (Kl(p, mid) > budget) high = mid;
            else low = mid;
        }
        return high;
    }

    /// <summary>KL divergence between Bernoulli(p) and Bernoulli(q), 0 &lt; q &lt; 1.</summary>
    private static double Kl(double p, double q)
    {
        var kl = 0.0;
        if (p > 0) kl += p * Math.Log(p / q);
        if (p < 1) kl += (1 - p) * Math.Log((1 - p) / (1 - q));
        return kl;
    }
}
