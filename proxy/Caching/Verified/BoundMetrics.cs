using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace LlmGateway.Caching.Verified;

/// <summary>
/// The verified cache's instruments (same meter as <see cref="CacheMetrics"/>). Labels are bounded: team and model
/// come from config through <see cref="Metrics.MetricLabels"/>, verdict and outcome are fixed sets.
/// </summary>
internal sealed class BoundMetrics
{
    private readonly Counter<long> _verdicts;
    private readonly Counter<long> _explorations;
    private readonly Counter<double> _explorationCost;
    private readonly Counter<long> _boundHits;
    private readonly Counter<long> _judgeCalls;
    private readonly Meter _meter;

    public BoundMetrics(IMeterFactory meterFactory)
    {
        _meter = meterFactory.Create(CacheMetrics.MeterName);
        _verdicts = _meter.CreateCounter<long>("llm_gateway.cache.bound_verdicts", "{candidate}",
            "Semantic candidates decided under Gateway:Cache:MaxErrorRate, by team, model and verdict (serve, explore, skip).");
        _explorations = _meter.CreateCounter<long>("llm_gateway.cache.explorations", "{request}",
            "Explored lookups (forwarded, then the fresh answer compared with the cached one), by team, model and outcome (same, different, unverified, dropped, stale).");
        _explorationCost = _meter.CreateCounter<double>("llm_gateway.cache.exploration_cost", "usd",
            "Upstream spend of explored requests (a semantic candidate existed but the bound did not yet allow serving it), by team and model.");
        _boundHits = _meter.CreateCounter<long>("llm_gateway.cache.bound_hits", "{request}", "Semantic hits served under Gateway:Cache:MaxErrorRate, by team and model.");
        _judgeCalls = _meter.CreateCounter<long>("llm_gateway.cache.judge_calls", "{call}",
            "Calls to the judge model (Gateway:Cache:Judge) comparing two long answers, by verdict (same, different, unverified). Their spend shows under the judge team's.");
    }

    /// <summary>The estimated error rate of each pool (<see cref="ErrorBound.EstimatedErrorRate"/>), labelled by scope and model.</summary>
    public void ObserveEstimatedErrorRate(Func<IEnumerable<Measurement<double>>> rates) =>
        _meter.CreateObservableGauge("llm_gateway.cache.estimated_error_rate", rates, null,
            "Estimated error rate of semantic hits under Gateway:Cache:MaxErrorRate, from the verified evidence of each team scope and model.");

    public void Verdict(BoundContext bound, BoundVerdict verdict) =>
        _verdicts.Add(1, new TagList { { "team", bound.TeamLabel }, { "model", bound.ModelLabel }, { "verdict", Name(verdict) } });

    public void Explored(BoundContext bound, string outcome) =>
        _explorations.Add(1, new TagList { { "team", bound.TeamLabel }, { "model", bound.ModelLabel }, { "outcome", outcome } });

    public void ExplorationCost(BoundContext bound, double usd) =>
        _explorationCost.Add(usd, new TagList { { "team", bound.TeamLabel }, { "model", bound.ModelLabel } });

    public void BoundHit(BoundContext bound) =>
        _boundHits.Add(1, new TagList { { "team", bound.TeamLabel }, { "model", bound.ModelLabel } });

    public void JudgeCall(bool? verdict) =>
        _judgeCalls.Add(1, new KeyValuePair<string, object?>("verdict", verdict switch { true => "same", false => "different", null => "unverified" }));

    private static string Name(BoundVerdict verdict) => verdict switch
    {
        BoundVerdict.Serve => "serve",
        BoundVerdict.Explore => "explore",
        _ => "skip",
    };
}
