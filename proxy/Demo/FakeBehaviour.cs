namespace LlmGateway.Demo;

/// <summary>The fake upstream's behaviour for one request: its options, overridden by <c>x-fake-*</c> headers.</summary>
internal sealed record FakeBehaviour(int LatencyMs, int ChunkDelayMs, int? Status, int? ResetAfterChunks, string FinishReason, bool NoUsage, int? AnswerWords)
{
    public static FakeBehaviour From(FakeUpstreamOptions options, IHeaderDictionary headers) => new(
        Int(headers, "x-fake-latency-ms") ?? options.LatencyMs,
        Int(headers, "x-fake-chunk-delay-ms") ?? options.ChunkDelayMs,
        Int(headers, "x-fake-status") ?? options.FailStatus,
        Int(headers, "x-fake-reset-after-chunks"),
        headers["x-fake-finish-reason"].ToString() is { Length: > 0 } reason ? reason : "stop",
        headers.ContainsKey("x-fake-no-usage"),
        Int(headers, "x-fake-answer-words") is > 0 and var words ? words : null);

    /// <summary>
    /// The answer to send: <paramref name="answer"/>, or with <c>x-fake-answer-words</c> exactly that many of its words
    /// (repeated as needed) whatever <c>max_tokens</c> says, as a provider that ignores the cap would.
    /// </summary>
    public string Shape(string answer)
    {
        if (AnswerWords is not { } count)
            return answer;
        var words = answer.Split(' ');
        return string.Join(' ', Enumerable.Range(0, count).Select(i => words[i % words.Length]));
    }

    private static int? Int(IHeaderDictionary headers, string name) =>
        int.TryParse(headers[name].ToString(), out var value) ? value : null;
}
