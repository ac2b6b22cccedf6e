namespace LlmGateway.Demo;

/// <summary><c>Gateway:DemoUpstream</c>: run the fake upstream inside the gateway process, so it can be tried with no API key.</summary>
public sealed record DemoUpstreamOptions
{
    public bool Enabled { get; init; }

    /// <summary>Where the fake upstream listens; point a provider's BaseUrl at <c>{Url}/v1</c>.</summary>
    public string Url { get; init; } = "http://127.0.0.1:5081";

    public int LatencyMs { get; init; } = 150;

    public int ChunkDelayMs { get; init; } = 20;
}
