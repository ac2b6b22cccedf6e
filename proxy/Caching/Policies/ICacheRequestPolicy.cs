namespace LlmGateway.Caching.Policies;

/// <summary>One rule of "may this request be looked up / stored", decided before the lookup (ASP.NET Core OutputCaching style).</summary>
internal interface ICacheRequestPolicy
{
    void Apply(CacheRequestContext context);
}
