namespace LlmGateway.Caching.Verified;

/// <summary>
/// <c>Gateway:Cache:Judge</c>: a model asked, through the gateway itself, whether two long answers that the first layers of
/// <see cref="AnswerEquivalence"/> cannot call the same give the same information. Unset <see cref="Model"/>: no judge.
/// </summary>
public sealed record JudgeOptions
{
    public const string Section = CacheOptions.Section + ":Judge";

    /// <summary>A model name the gateway routes [unset = no judge].</summary>
    public string? Model { get; init; }

    /// <summary>Environment variable holding the team key the judge's calls are made (and charged) with; required with <see cref="Model"/>.</summary>
    public string? KeyVariable { get; init; }

    /// <summary>Where to send the judge's calls [unset: the gateway's own first http address, so auth, budgets, metrics and routing apply].</summary>
    public string? BaseUrl { get; init; }

    /// <summary>How long one verdict may take before the comparison counts as unverified [10 s].</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Judge calls in flight at once [2].</summary>
    public int MaxConcurrent { get; init; } = 2;

    public bool Enabled => !string.IsNullOrWhiteSpace(Model);

    /// <param name="variables">Where <see cref="KeyVariable"/> is read (the configuration, which holds the environment).</param>
    internal IEnumerable<string> Validate(Func<string, string?> variables)
    {
        if (Timeout <= TimeSpan.Zero || Timeout > TimeSpan.FromMinutes(10)) yield return $"{Section}:Timeout: must be positive and at most 10 minutes.";
        if (MaxConcurrent is < 1 or > 64) yield return $"{Section}:MaxConcurrent: must be between 1 and 64.";
        if (!Enabled)
            yield break;
        if (string.IsNullOrWhiteSpace(KeyVariable))
            yield return $"{Section}:KeyVariable: required when {Section}:Model is set (the environment variable holding the judge's team key).";
        else if (string.IsNullOrEmpty(variables(KeyVariable)))
            yield return $"{Section}:KeyVariable: environment variable '{KeyVariable}' is not set.";
        if (BaseUrl is not null && (!Uri.TryCreate(BaseUrl, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)))
            yield return $"{Section}:BaseUrl: '{BaseUrl}' is not an absolute http(s) URL.";
    }
}
