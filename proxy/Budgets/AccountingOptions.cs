namespace LlmGateway.Budgets;

/// <summary><c>Gateway:Accounting</c>: how requests are priced and recorded.</summary>
public sealed record AccountingOptions
{
    public const string Section = "Gateway:Accounting";

    /// <summary>What happens to a model with no price: <see cref="UnpricedModelPolicy.Block"/> (default) or counted at zero with a warning and a metric.</summary>
    public UnpricedModelPolicy UnpricedModels { get; init; } = UnpricedModelPolicy.Block;

    /// <summary>Output tokens reserved when neither the request nor the model's price sets a cap. Default 4096.</summary>
    public int DefaultMaxOutputTokens { get; init; } = 4096;

    /// <summary>Group-commit interval of the ledger, in milliseconds. Default 2 (the stated window is interval + one fsync).</summary>
    public int CommitIntervalMs { get; init; } = 2;

    /// <summary>Whether a request waits for its usage record to be committed before its response ends. Default true.</summary>
    public bool AwaitCommit { get; init; } = true;
}
