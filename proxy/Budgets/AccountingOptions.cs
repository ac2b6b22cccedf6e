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

    /// <summary>What happens to requests that need accounting while the ledger's storage fails: <see cref="LedgerFailurePolicy.Refuse"/> (default) or serve and hold the records in memory.</summary>
    public LedgerFailurePolicy OnLedgerFailure { get; init; } = LedgerFailurePolicy.Refuse;

    /// <summary>How often a failed ledger is reopened to see whether storage is back, in milliseconds; also the refusals' <c>Retry-After</c> (rounded up to seconds). Default 1000.</summary>
    public int LedgerRetryMs { get; init; } = 1000;

    /// <summary>Records held in memory while the ledger fails; past it, new records are counted as lost (metric and log). Default 100000.</summary>
    public int MaxUnrecordedRecords { get; init; } = 100_000;

    /// <summary>A ledger commit that has not finished after this many milliseconds counts as a storage fault (a vanished volume can hang one forever). Default 5000.</summary>
    public int CommitTimeoutMs { get; init; } = 5000;
}
