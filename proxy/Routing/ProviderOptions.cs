namespace LlmGateway.Routing;

/// <summary>One upstream provider, bound from <c>Gateway:Providers:{name}</c>.</summary>
public sealed record ProviderOptions
{
    /// <summary><c>openai</c> (also vLLM, Ollama, LM Studio, Gemini's OpenAI endpoint) or <c>azure-openai</c>.</summary>
    public string Kind { get; init; } = ProviderKinds.OpenAi;

    /// <summary>Base URL the OpenAI path is appended to, e.g. <c>https://api.openai.com/v1</c>.</summary>
    public string? BaseUrl { get; init; }

    /// <summary>More base URLs of the same provider, load balanced by YARP with passive health.</summary>
    public List<string> BaseUrls { get; init; } = [];

    /// <summary>Name of the environment variable that holds the provider's API key (the key never goes in the file).</summary>
    public string? ApiKeyEnv { get; init; }

    /// <summary>Inactivity timeout towards the provider; expiry before the first byte is a 504 (or a fallback). Default 100 s.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(100);

    /// <summary>Extra headers sent to the provider on every request.</summary>
    public Dictionary<string, string> Headers { get; init; } = [];

    /// <summary>Azure OpenAI <c>api-version</c> query value.</summary>
    public string ApiVersion { get; init; } = "2024-10-21";

    /// <summary>YARP load-balancing policy across <see cref="BaseUrls"/>. Default PowerOfTwoChoices.</summary>
    public string LoadBalancingPolicy { get; init; } = "PowerOfTwoChoices";

    /// <summary>
    /// Passive health across <see cref="BaseUrls"/>: a base URL whose share of transport failures (connect errors,
    /// resets, timeouts) over the last <see cref="FailureWindow"/> reaches this fraction is taken out. Default 0.3.
    /// </summary>
    public double FailureRateLimit { get; init; } = 0.3;

    /// <summary>The sliding window the failure rate is measured over. Default 60 s.</summary>
    public TimeSpan FailureWindow { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Requests a base URL must have had within <see cref="FailureWindow"/> before its failure rate counts. Default 10.</summary>
    public int FailureMinRequests { get; init; } = 10;

    /// <summary>How long a base URL taken out by passive health stays out before it is tried again. Default 30 s.</summary>
    public TimeSpan ReactivationPeriod { get; init; } = TimeSpan.FromSeconds(30);

    internal IEnumerable<string> AllBaseUrls()
    {
        if (!string.IsNullOrWhiteSpace(BaseUrl)) yield return BaseUrl;
        foreach (var url in BaseUrls) yield return url;
    }
}
