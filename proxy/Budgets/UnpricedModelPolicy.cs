namespace LlmGateway.Budgets;

/// <summary>What the gateway does with a request for a model that has no price.</summary>
public enum UnpricedModelPolicy
{
    /// <summary>Reject with 403 <c>model_not_priced</c>, so spend is never silently lost.</summary>
    Block,

    /// <summary>Forward and count it at zero cost, with a warning and the <c>llm_gateway.unpriced</c> metric.</summary>
    Free,
}
