namespace LlmGateway.Demo;

/// <summary>
/// How the fake upstream behaves. Each value can also be set per request with a header
/// (<c>x-fake-latency-ms</c>, <c>x-fake-chunk-delay-ms</c>, <c>x-fake-status</c>,
/// <c>x-fake-reset-after-chunks</c>, <c>x-fake-finish-reason</c>, <c>x-fake-no-usage</c>), which the gateway forwards;
/// with a failing status, <c>x-fake-echo-auth</c> quotes the Authorization header in the error and <c>x-fake-gzip</c> compresses it.
/// <c>x-fake-answer-words: N</c> makes the answer exactly N words (one token each for the fake), ignoring <c>max_tokens</c>.
/// </summary>
public sealed record FakeUpstreamOptions
{
    /// <summary>Delay before the response headers.</summary>
    public int LatencyMs { get; init; }

    /// <summary>Delay between SSE chunks.</summary>
    public int ChunkDelayMs { get; init; }

    /// <summary>Answer every request with this HTTP status and an OpenAI-shaped error.</summary>
    public int? FailStatus { get; init; }

    /// <summary>Keep the last requests for inspection (tests).</summary>
    public bool RecordRequests { get; init; }
}
