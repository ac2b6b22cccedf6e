using System.Text.Json.Nodes;

namespace LlmGateway.Caching.Policies;

/// <summary>An answer with several choices (<c>n</c> &gt; 1) is stored only with <c>Gateway:Cache:StoreMultipleChoices</c>.</summary>
internal sealed class SingleChoicePolicy : ICacheStorePolicy
{
    public const string Reason = "multiple_choices";

    public void Apply(CacheStoreContext context)
    {
        if (context.Answer?["choices"] is JsonArray { Count: > 1 } && !context.Options.StoreMultipleChoices)
            context.Refuse(Reason);
    }
}
