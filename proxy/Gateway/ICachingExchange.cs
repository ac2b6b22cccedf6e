using LlmGateway.Caching;

namespace LlmGateway.Gateway;

/// <summary>The caching step's access: its verdict (hit, miss or bypass), set once.</summary>
internal interface ICachingExchange : IGatewayExchange
{
    void SetCacheOutcome(CacheOutcome outcome);

    /// <summary>Headers set on the response when it starts (<c>x-cache: MISS</c>), whatever attempt answers it.</summary>
    IHeaderDictionary HeadersOnStart { get; }
}
