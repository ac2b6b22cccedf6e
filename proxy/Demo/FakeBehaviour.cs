namespace LlmGateway.Demo;

/// <summary>The fake upstream's behaviour for one request: its options, overridden by <c>x-fake-*</c> headers.</summary>
internal sealed record FakeBehaviour(int LatencyMs, int ChunkDelayMs, int? Status, int? ResetAfterChunks, string FinishReason, bool NoUsage)
{
    public static FakeBehaviour From(FakeUpstreamOptions options, IHeaderDictionary headers) => new(
        Int(headers, "x-fake-latency-ms") ?? options.LatencyMs,
        Int(headers, "x-fake-chunk-delay-ms") ?? options.ChunkDelayMs,
        Int(headers, "x-fake-status") ?? options.FailStatus,
        Int(headers, "x-fake-reset-after-chunks"),
        headers["x-fake-finish-reason"].ToString() is { Length: > 0 } reason ? reason : "stop",
        headers.ContainsKey("x-fake-no-usage"));

    private static int? Int(IHeaderDictionary headers, string name) =>
        int.TryParse(headers[name].ToString(), out var value) ? value : null;
}
