namespace LlmGateway.Gateway;

/// <summary>The budgets step's access: what the forward must add for settlement (before the cache step runs).</summary>
internal interface IBudgetsExchange : IGatewayExchange
{
    void PlanForward(ForwardPlan plan);
}
