namespace LlmGateway.Budgets;

/// <summary><c>Gateway:Accounting</c>: how requests are priced and recorded.</summary>
public sealed record AccountingOptions
{
    public const string Section = "Gateway:Accounting";

    /// <summary>What happens to a model with no price: <see cref="UnpricedModelPolicy.Block"/> (default) or counted at zero with a warning and a metric.</summary>
    public UnpricedModelPolicy UnpricedModels { get; init; } = UnpricedModelPolicy.Block;

    /// <summary>Output tokens reserved when neither the request nor the model's price sets a cap. Default 4096.</summary>
    public int DefaultMaxOutputTokens { get; init; } = 4096;

    /// <summary>
    /// How far a streamed answer may run past the completion tokens its reservation was priced on, in percent of them,
    /// before the gateway ends it (a provider ignoring <c>max_tokens</c>). Default 50: the output counter errs high by
    /// up to ~40 % on honest English and code (README "The overspend bound"), and an honest answer must never be cut.
    /// </summary>
    public int StreamOverrunPercent { get; init; } = 50;

    /// <summary>Output tokens a stream may run past its cap on top of <see cref="StreamOverrunPercent"/> (rounding on short answers). Default 16.</summary>
    public int StreamOverrunTokens { get; init; } = 16;

    /// <summary>Group-commit interval of the ledger, in milliseconds. Default 2 (the stated window is interval + one fsync).</summary>
    public int CommitIntervalMs { get; init; } = 2;

    /// <summary>Whether a request waits for its usage record to be committed before its response ends. Default true.</summary>
    public bool AwaitCommit { get; init; } = true;
}
