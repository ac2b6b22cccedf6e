namespace LlmGateway.Gateway;

/// <summary>The budgets step's access: what the forward must add for settlement (before the cache step runs).</summary>
internal interface IBudgetsExchange : IGatewayExchange
{
    void PlanForward(ForwardPlan plan);

    /// <summary>Headers set on the response when it starts (<c>x-ratelimit-*</c>), whatever answers it.</summary>
    IHeaderDictionary HeadersOnStart { get; }
}
