namespace LlmGateway.Bench.Compare;

/// <summary>
/// One system under load: where wrk sends, what, and whose CPU is counted. <see cref="Group"/> says which rows are
/// compared with each other (keep-alive JSON, SSE, a new connection per request).
/// </summary>
internal sealed record CompareSystem(string Name, string Group, string Url, string Body, Func<int> ProcessId)
{
    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();

    public string Method { get; init; } = "POST";

    /// <summary>Counts 503 answers (<see cref="WrkResult.Shed"/>).</summary>
    public bool CountShed { get; init; }

    /// <summary>Whether each request gets a unique question (wrk replaces <c>QUESTION</c> in <see cref="Body"/>).</summary>
    public bool Unique { get; init; }

    /// <summary>A file of request bodies, one per line, replayed in turn (each wrk thread from its own offset) instead of <see cref="Body"/>.</summary>
    public string? BodiesFile { get; init; }

    /// <summary>Counts answers with <c>x-cache: HIT</c> (<see cref="WrkResult.Hits"/>).</summary>
    public bool CountHits { get; init; }

    /// <summary>Sends <c>Connection: close</c>: each request opens a new connection.</summary>
    public bool CloseConnection { get; init; }

    /// <summary>Connections for this system; 0 takes the run's <c>--connections</c>.</summary>
    public int Connections { get; init; }

    /// <summary>The direct upstream row of a group: added latency is measured against it.</summary>
    public bool IsDirect { get; init; }

    /// <summary>nginx as a reverse proxy: CPU ratios are to it.</summary>
    public bool IsNginx { get; init; }

    /// <summary>The peer gateway: CPU ratios are to it too.</summary>
    public bool IsPeer { get; init; }

    /// <summary>A gateway row whose <c>llm_gateway_overhead_seconds</c> is read around each round, to set beside the added latency wrk measured.</summary>
    public bool ReadsOverhead { get; init; }
}
