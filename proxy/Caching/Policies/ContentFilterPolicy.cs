using System.Text.Json.Nodes;

namespace LlmGateway.Caching.Policies;

/// <summary>An answer the provider's content filter stopped (<c>finish_reason: content_filter</c>) is never stored.</summary>
internal sealed class ContentFilterPolicy : ICacheStorePolicy
{
    public const string Reason = "content_filter";

    public void Apply(CacheStoreContext context)
    {
        if (context.Answer?["choices"] is JsonArray choices && choices.Any(c => c?["finish_reason"]?.ToString() == "content_filter"))
            context.Refuse(Reason);
    }
}
