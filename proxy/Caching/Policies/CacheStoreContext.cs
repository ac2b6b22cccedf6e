using System.Text.Json.Nodes;
using LlmGateway.Capture;
using LlmGateway.Gateway;
using LlmGateway.Routing;

namespace LlmGateway.Caching.Policies;

/// <summary>
/// What the store rules decide on (the endpoint, the attempt that answered, the captured answer and, once assembled,
/// the answer in its stored form) and their verdict: may it be stored, and if not why (a bounded label, counted in
/// <c>llm_gateway.cache.not_stored</c>).
/// </summary>
/// <param name="completed">Whether the answer came whole, when the caching step decides it before the capture step has
/// (at the last byte of an answer with a Content-Length); <see cref="ICapturedResponse.Completed"/> otherwise.</param>
internal sealed class CacheStoreContext(OpenAiEndpoint endpoint, UpstreamAttempt? attempt, ICapturedResponse capture, CacheOptions options, bool? completed = null)
{
    public OpenAiEndpoint Endpoint { get; } = endpoint;
    public UpstreamAttempt? Attempt { get; } = attempt;
    public ICapturedResponse Capture { get; } = capture;
    public CacheOptions Options { get; } = options;

    public bool Completed { get; } = completed ?? capture.Completed;

    /// <summary>The answer as it would be stored; set after the capture rules allowed it and it could be assembled.</summary>
    public JsonObject? Answer { get; internal set; }

    public bool AllowStore { get; private set; } = true;

    public string? Reason { get; private set; }

    public void Refuse(string reason)
    {
        Reason ??= reason;
        AllowStore = false;
    }
}
