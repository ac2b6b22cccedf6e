namespace LlmGateway.Guard;

/// <summary>
/// <c>Gateway:Teams:{team}:Guard</c>: what the guard does with confidential data in this team's prompts.
/// Actions are <c>off | log | redact | block</c>. Default: no section, nothing scanned.
/// </summary>
public sealed record TeamGuardOptions
{
    /// <summary>Action for every category not named in <see cref="Categories"/>. Default <c>off</c>.</summary>
    public string? Default { get; init; }

    /// <summary>Action per category, by name (<c>Email</c>, <c>CreditCard</c>, ...; see the Guard README).</summary>
    public Dictionary<string, string> Categories { get; init; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Per model (configured name or alias): overrides <see cref="Default"/> and <see cref="Categories"/> for that model.</summary>
    public Dictionary<string, ModelGuardOptions> Models { get; init; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Team-specific regular expressions (.NET syntax), by name; matches are category <c>Custom</c>.</summary>
    public Dictionary<string, string> Patterns { get; init; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Words and phrases (project code names), matched ignoring case; category <c>Custom</c>.</summary>
    public List<string> Keywords { get; init; } = [];

    /// <summary>Put redacted values back into the answer (JSON and SSE) so the app sees them. Default false.</summary>
    public bool Restore { get; init; }
}
