using System.Text.Json;
using System.Text.Json.Nodes;
using LlmGateway.Gateway;

namespace LlmGateway.Budgets.Usage;

/// <summary>
/// The worst case of a request, priced before it is forwarded. Prompt tokens are bounded by <see cref="PromptTokens"/>
/// when the model's tokenizer is known and loaded, else by the body's UTF-8 length (a byte-level BPE token covers at
/// least one byte, and the JSON around the text is longer than the per-message tokens a chat template adds);
/// completion tokens by <c>max_tokens</c> / <c>max_completion_tokens</c> / <c>max_output_tokens</c>, else the
/// model's cap, times <c>n</c>.
/// </summary>
internal readonly record struct RequestEstimate(long PromptUpperBound, long CompletionUpperBound, long PromptEstimate)
{
    public long TokensUpperBound => PromptUpperBound + CompletionUpperBound;

    /// <summary>What the rate limiter takes at admission: the estimated prompt plus the client's own <c>max_tokens</c> (if any).</summary>
    public long RateLimitTokens(JsonObject? body) => PromptEstimate + (ClientMaxOutput(body) ?? 0);

    public static RequestEstimate For(GatewayRequest request, long? contentLength, int? modelMaxOutput, int defaultMaxOutput,
        TokenizerKind tokenizer, TextTokenCounter counter)
    {
        var body = request.Body;
        long completion = 0;
        if (request.Endpoint != OpenAiEndpoint.Embeddings)
        {
            var perChoice = ClientMaxOutput(body) ?? modelMaxOutput ?? defaultMaxOutput;
            completion = perChoice * Math.Max(Int(body, "n") ?? 1, Int(body, "best_of") ?? 1);
        }
        if (tokenizer != TokenizerKind.Bytes && body is not null && PromptTokens.Count(body, tokenizer, counter) is { } prompt)
            return new RequestEstimate(prompt.UpperBound, completion, prompt.Estimate);
        var bytes = contentLength ?? (body is null ? 0 : JsonSerializer.SerializeToUtf8Bytes(body).LongLength);
        return new RequestEstimate(bytes, completion, TokenEstimator.FromChars(bytes));
    }

    private static long? ClientMaxOutput(JsonObject? body) =>
        Int(body, "max_completion_tokens") ?? Int(body, "max_tokens") ?? Int(body, "max_output_tokens");

    private static int? Int(JsonObject? body, string name) =>
        body?[name] is JsonValue value && value.GetValueKind() == JsonValueKind.Number && value.TryGetValue<int>(out var n) && n > 0 ? n : null;
}
