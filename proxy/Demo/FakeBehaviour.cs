namespace LlmGateway.Demo;

/// <summary>The fake upstream's behaviour for one request: its options, overridden by <c>x-fake-*</c> headers.</summary>
/// <param name="EchoCredential">An error's message quotes the request's <c>Authorization</c> header, as real providers quote a refused key (<c>x-fake-echo-auth</c>).</param>
/// <param name="GzipError">An error's body is sent gzip-compressed (<c>x-fake-gzip</c>).</param>
internal sealed record FakeBehaviour(int LatencyMs, int ChunkDelayMs, int? Status, int? ResetAfterChunks, string FinishReason, bool NoUsage, bool EchoCredential, bool GzipError, int? AnswerWords)
{
    public static FakeBehaviour From(FakeUpstreamOptions options, IHeaderDictionary headers) => new(
        Int(headers, "x-fake-latency-ms") ?? options.LatencyMs,
        Int(headers, "x-fake-chunk-delay-ms") ?? options.ChunkDelayMs,
        Int(headers, "x-fake-status") ?? options.FailStatus,
        Int(headers, "x-fake-reset-after-chunks"),
        headers["x-fake-finish-reason"].ToString() is { Length: > 0 } reason ? reason : "stop",
        headers.ContainsKey("x-fake-no-usage"),
        headers.ContainsKey("x-fake-echo-auth"),
        headers.ContainsKey("x-fake-gzip"),
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
