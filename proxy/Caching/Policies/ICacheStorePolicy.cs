namespace LlmGateway.Caching.Policies;

/// <summary>One rule of "may this answer be stored", decided after the forward (ASP.NET Core OutputCaching style).</summary>
internal interface ICacheStorePolicy
{
    void Apply(CacheStoreContext context);
}
