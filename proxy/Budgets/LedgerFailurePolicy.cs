namespace LlmGateway.Budgets;

/// <summary>What the gateway does with requests that need accounting while the ledger cannot make records durable.</summary>
public enum LedgerFailurePolicy
{
    /// <summary>Refuse them with 503 and <c>Retry-After</c>: no spend goes unrecorded (money fails closed).</summary>
    Refuse,

    /// <summary>Serve them and hold their records in memory (counted in <c>llm_gateway.ledger.unrecorded</c>) until storage returns.</summary>
    Serve,
}
