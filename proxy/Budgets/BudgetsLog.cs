namespace LlmGateway.Budgets;

/// <summary>Log lines of the budgets capability (event ids 6000-6099). Never prompt text or keys (key ids only).</summary>
internal static partial class BudgetsLog
{
    [LoggerMessage(6000, LogLevel.Information, "Ledger opened at {Directory}: {Replayed} records replayed from address {From} ({Corrupt} unreadable), snapshot {Snapshot}", EventName = "LedgerOpened")]
    public static partial void LedgerOpened(ILogger logger, string directory, long replayed, long from, long corrupt, bool snapshot);

    [LoggerMessage(6001, LogLevel.Warning, "Model {Model} has no price; counted at zero cost (Gateway:Accounting:UnpricedModels = Free)", EventName = "UnpricedModel")]
    public static partial void UnpricedModel(ILogger logger, string model);

    [LoggerMessage(6002, LogLevel.Warning, "Team {Team} crossed {Percent}% of its {Period} budget: {SpentUsd} of {LimitUsd} USD", EventName = "SoftThreshold")]
    public static partial void SoftThreshold(ILogger logger, string team, int percent, string period, decimal spentUsd, decimal limitUsd);

    [LoggerMessage(6003, LogLevel.Information, "Rejected a request of team {Team} (key {KeyId}): {Reason}", EventName = "Rejected")]
    public static partial void Rejected(ILogger logger, string team, string keyId, string reason);

    [LoggerMessage(6004, LogLevel.Warning, "Budget webhook to {Host} failed (attempt {Attempt} of {Attempts}, retrying): {Error}", EventName = "WebhookFailed")]
    public static partial void WebhookFailed(ILogger logger, string host, int attempt, int attempts, string error);

    [LoggerMessage(6005, LogLevel.Information, "Usage of request {RequestId} estimated (no usage from the provider): {Prompt} prompt + {Completion} completion tokens", EventName = "UsageEstimated")]
    public static partial void UsageEstimated(ILogger logger, string requestId, long prompt, long completion);

    [LoggerMessage(6006, LogLevel.Error, "The ledger could not record request {RequestId}", EventName = "LedgerAppendFailed")]
    public static partial void LedgerAppendFailed(ILogger logger, Exception exception, string requestId);

    [LoggerMessage(6007, LogLevel.Information, "Cost accounting is off: no prices and no team budgets are configured (Gateway:Prices, Gateway:Teams:*:Budget)", EventName = "AccountingOff")]
    public static partial void AccountingOff(ILogger logger);

    [LoggerMessage(6009, LogLevel.Warning, "Stream of request {RequestId} (team {Team}, model {Model}) cut after {Delivered} output tokens: the provider went past the {Reserved} reserved (limit {Limit})", EventName = "StreamCut")]
    public static partial void StreamCut(ILogger logger, string requestId, string team, string model, long delivered, long reserved, long limit);

    [LoggerMessage(6008, LogLevel.Information, "Ledger closed at address {Address}; snapshot written", EventName = "LedgerClosed")]
    public static partial void LedgerClosed(ILogger logger, long address);

    [LoggerMessage(6010, LogLevel.Warning, "Budget webhook to {Host} was not delivered: {Error}", EventName = "WebhookNotDelivered")]
    public static partial void WebhookNotDelivered(ILogger logger, string host, string error);

    [LoggerMessage(6011, LogLevel.Information, "Tokenizer {Tokenizer} loaded: prompts of the models priced with it are counted exactly", EventName = "TokenizerLoaded")]
    public static partial void TokenizerLoaded(ILogger logger, string tokenizer);

    [LoggerMessage(6012, LogLevel.Error, "Tokenizer {Tokenizer} could not be loaded: prompts of the models priced with it are bounded by their bytes", EventName = "TokenizerFailed")]
    public static partial void TokenizerFailed(ILogger logger, Exception exception, string tokenizer);

    [LoggerMessage(6013, LogLevel.Error, "Ledger storage at {Directory} failed; records are held in memory until it returns ({Policy}: requests that need accounting are {Action}): {Error}", EventName = "LedgerFaulted")]
    public static partial void LedgerFaulted(ILogger logger, string directory, string policy, string action, string error);

    [LoggerMessage(6014, LogLevel.Information, "Ledger storage at {Directory} is back: {Flushed} held records written", EventName = "LedgerRecovered")]
    public static partial void LedgerRecovered(ILogger logger, string directory, int flushed);

    [LoggerMessage(6015, LogLevel.Error, "{Count} usage records were lost (not durable in the ledger at {Directory}): {Why}", EventName = "LedgerRecordsLost")]
    public static partial void LedgerRecordsLost(ILogger logger, int count, string directory, string why);

    [LoggerMessage(6016, LogLevel.Warning, "Ledger shutdown abandoned its final commit and snapshot: {Why}", EventName = "LedgerCloseAbandoned")]
    public static partial void LedgerCloseAbandoned(ILogger logger, string why);

    [LoggerMessage(6250, LogLevel.Debug, "Ledger storage at {Directory} is still failing: {Error}", EventName = "LedgerReopenFailed")]
    public static partial void LedgerReopenFailed(ILogger logger, string directory, string error);

    [LoggerMessage(6251, LogLevel.Warning, "Ledger balance snapshot at {Directory} not used ({Why}): balances rebuilt by replaying the whole ledger", EventName = "SnapshotRebuilt")]
    public static partial void SnapshotRebuilt(ILogger logger, string directory, string why);
}
