using System.Diagnostics;
using System.Diagnostics.Metrics;
using LlmGateway.Metrics;

namespace LlmGateway.Guard;

/// <summary>The guard's instruments (meter <c>LlmGateway.Guard</c>): labels team (from config), category and action — all bounded; never a value.</summary>
internal sealed class GuardMetrics
{
    public const string MeterName = "LlmGateway.Guard";

    private readonly Counter<long> _detections;
    private readonly Counter<long> _blocked;
    private readonly MetricLabels _labels;

    public GuardMetrics(IMeterFactory meterFactory, MetricLabels labels)
    {
        _labels = labels;
        var meter = meterFactory.Create(MeterName);
        _detections = meter.CreateCounter<long>("llm_gateway.guard.detections", "{value}", "Confidential values found in prompts, by team, category and the action taken.");
        _blocked = meter.CreateCounter<long>("llm_gateway.guard.blocked_requests", "{request}", "Requests refused by the guard, by team.");
    }

    public void Detected(string team, GuardCategory category, GuardAction action, int count)
    {
        if (!_detections.Enabled)
            return;
        _detections.Add(count, new TagList
        {
            { "team", _labels.Team(team) },
            { "category", GuardCategories.Label(category) },
            { "action", action.ToString().ToLowerInvariant() },
        });
    }

    public void Blocked(string team) => _blocked.Add(1, new KeyValuePair<string, object?>("team", _labels.Team(team)));
}
