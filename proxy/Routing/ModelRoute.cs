namespace LlmGateway.Routing;

/// <summary>A client-facing model resolved from config: its target, then its fallbacks, in the order they are tried.</summary>
internal sealed class ModelRoute
{
    public ModelRoute(string name, IReadOnlyList<UpstreamTarget> candidates)
    {
        Name = name;
        Candidates = candidates;
    }

    /// <summary>The canonical (configured) name, also when the client used an alias.</summary>
    public string Name { get; }

    /// <summary>The model's own target first, then each fallback's.</summary>
    public IReadOnlyList<UpstreamTarget> Candidates { get; }

    public UpstreamTarget Primary => Candidates[0];
}
