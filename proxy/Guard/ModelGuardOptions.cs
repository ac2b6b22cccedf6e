namespace LlmGateway.Guard;

/// <summary><c>Gateway:Teams:{team}:Guard:Models:{model}</c>: a team's guard actions for one model (e.g. off for a self-hosted one).</summary>
public sealed record ModelGuardOptions
{
    public string? Default { get; init; }

    public Dictionary<string, string> Categories { get; init; } = new(StringComparer.OrdinalIgnoreCase);
}
