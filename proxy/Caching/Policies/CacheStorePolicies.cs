using System.Text.Json.Nodes;

namespace LlmGateway.Caching.Policies;

/// <summary>
/// The store rules, in order: first those on the capture, then — if it can be assembled into the stored form
/// (<see cref="AnswerAssembler"/>, whose own refusals are <c>malformed</c>, <c>incomplete</c> (a stream without
/// <c>[DONE]</c>), <c>stream_kind</c> and <c>logprobs</c>) — those on the answer. The first refusal gives the reason.
/// </summary>
internal static class CacheStorePolicies
{
    private static readonly ICacheStorePolicy[] OnCapture =
    [
        new FallbackAnswerPolicy(),
        new SuccessStatusPolicy(),
        new CompletedAnswerPolicy(),
        new EntrySizePolicy(),
    ];

    private static readonly ICacheStorePolicy[] OnAnswer =
    [
        new SingleChoicePolicy(),
        new ContentFilterPolicy(),
        new CompletedResponsePolicy(),
    ];

    /// <summary>The answer to store, or null with the reason it may not be stored.</summary>
    public static JsonObject? Decide(CacheStoreContext context, out string reason)
    {
        if (!Run(OnCapture, context, out reason))
            return null;
        context.Answer = AnswerAssembler.TryAssemble(context.Endpoint, context.Capture, out reason);
        if (context.Answer is null)
            return null;
        return Run(OnAnswer, context, out reason) ? context.Answer : null;
    }

    private static bool Run(ICacheStorePolicy[] rules, CacheStoreContext context, out string reason)
    {
        foreach (var rule in rules)
            rule.Apply(context);
        reason = context.Reason ?? "";
        return context.AllowStore;
    }
}
