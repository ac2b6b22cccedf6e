using System.Diagnostics.Metrics;
using LlmGateway.Budgets.Accounts;
using LlmGateway.Metrics;

namespace LlmGateway.Budgets;

/// <summary>The budgets capability's instruments (meter <c>LlmGateway.Budgets</c>); labels from <see cref="MetricLabels"/> only.</summary>
internal sealed class BudgetMetrics
{
    public const string MeterName = "LlmGateway.Budgets";

    private readonly MetricLabels _labels;
    private readonly Counter<double> _cost;
    private readonly Counter<double> _saved;
    private readonly Counter<long> _tokens;
    private readonly Counter<long> _rejections;
    private readonly Counter<long> _thresholds;
    private readonly Counter<long> _unpriced;
    private readonly Counter<long> _estimated;
    private readonly Counter<long> _streamsCut;

    public BudgetMetrics(IMeterFactory meterFactory, MetricLabels labels, BudgetsConfigProvider config, IBudgetStore book, TimeProvider time)
    {
        _labels = labels;
        var meter = meterFactory.Create(MeterName);
        _cost = meter.CreateCounter<double>("llm_gateway.cost", "usd", "Spend charged upstream, by team and model.");
        _saved = meter.CreateCounter<double>("llm_gateway.saved", "usd", "Spend avoided by cache hits, by team and model.");
        _tokens = meter.CreateCounter<long>("llm_gateway.tokens", "{token}", "Tokens sent upstream by kind (prompt, cached_prompt, completion).");
        _rejections = meter.CreateCounter<long>("llm_gateway.rejections", "{request}", "Requests refused by rate limits, budgets or pricing.");
        _thresholds = meter.CreateCounter<long>("llm_gateway.budget.thresholds", "{event}", "Soft budget thresholds crossed.");
        _unpriced = meter.CreateCounter<long>("llm_gateway.unpriced", "{request}", "Requests for a model with no price, counted at zero.");
        _estimated = meter.CreateCounter<long>("llm_gateway.usage.estimated", "{request}", "Requests whose usage was estimated (no usage from the provider).");
        _streamsCut = meter.CreateCounter<long>("llm_gateway.budget.streams_cut", "{request}", "Streams ended by the gateway because the provider went past the reserved output cap.");
        meter.CreateObservableGauge("llm_gateway.budget.spent", () => Observe(config, book, time, b => (double)b.SpentUsd), "usd", "Spend in the current period.");
        meter.CreateObservableGauge("llm_gateway.budget.limit", () => Observe(config, book, time, b => b.LimitUsd is { } l ? (double)l : null), "usd", "Budget limit of the period.");
        meter.CreateObservableGauge("llm_gateway.budget.remaining", () => Observe(config, book, time, b => b.LimitUsd is { } l ? (double)Math.Max(0, l - b.SpentUsd) : null), "usd", "Budget left in the period.");
    }

    public void Settled(string team, string model, decimal cost, decimal saved, long prompt, long cached, long completion)
    {
        if (!_cost.Enabled && !_tokens.Enabled && !_saved.Enabled)
            return;
        var t = new KeyValuePair<string, object?>("team", _labels.Team(team));
        var m = new KeyValuePair<string, object?>("model", _labels.Model(model));
        if (cost != 0) _cost.Add((double)cost, t, m);
        if (saved != 0) _saved.Add((double)saved, t, m);
        if (prompt - cached > 0) _tokens.Add(prompt - cached, t, m, new("kind", "prompt"));
        if (cached > 0) _tokens.Add(cached, t, m, new("kind", "cached_prompt"));
        if (completion > 0) _tokens.Add(completion, t, m, new("kind", "completion"));
    }

    public void Rejected(string team, RejectionReason reason)
    {
        if (_rejections.Enabled)
            _rejections.Add(1, new KeyValuePair<string, object?>("team", _labels.Team(team)), new("reason", RejectionReasons.Label(reason)));
    }

    public void ThresholdCrossed(ThresholdCrossing crossing)
    {
        if (_thresholds.Enabled)
            _thresholds.Add(1, new KeyValuePair<string, object?>("team", _labels.Team(crossing.Team)),
                new("period", PeriodCalendar.Name(crossing.Period)), new("percent", crossing.Percent));
    }

    public void Unpriced(string team, string model)
    {
        if (_unpriced.Enabled)
            _unpriced.Add(1, new KeyValuePair<string, object?>("team", _labels.Team(team)), new("model", _labels.Model(model)));
    }

    public void Estimated(string team)
    {
        if (_estimated.Enabled)
            _estimated.Add(1, new KeyValuePair<string, object?>("team", _labels.Team(team)));
    }

    public void StreamCut(string team, string model)
    {
        if (_streamsCut.Enabled)
            _streamsCut.Add(1, new KeyValuePair<string, object?>("team", _labels.Team(team)), new("model", _labels.Model(model)));
    }

    private IEnumerable<Measurement<double>> Observe(BudgetsConfigProvider config, IBudgetStore book, TimeProvider time, Func<PeriodBalance, double?> value)
    {
        var current = config.Current;
        var now = time.GetUtcNow();
        foreach (var team in current.BudgetedTeams)
        {
            foreach (var balance in book.Balances(team, current.PolicyFor(team), now))
            {
                if (balance.LimitUsd is null || value(balance) is not { } v)
                    continue;
                yield return new Measurement<double>(v, new KeyValuePair<string, object?>("team", _labels.Team(team)), new("period", PeriodCalendar.Name(balance.Period)));
            }
        }
    }
}
