namespace LlmGateway.Guard;

/// <summary>The guard's log events (ids 8000–8099). Categories and counts only: a detected value is never logged.</summary>
internal static partial class GuardLog
{
    [LoggerMessage(8000, LogLevel.Warning, "Guard blocked a request of team {Team}: it contains {Categories}", EventName = "RequestBlocked")]
    public static partial void Blocked(ILogger logger, string team, string categories);

    [LoggerMessage(8001, LogLevel.Information, "Guard redacted {Count} values ({Categories}) from a request of team {Team}", EventName = "RequestRedacted")]
    public static partial void Redacted(ILogger logger, string team, int count, string categories);

    [LoggerMessage(8002, LogLevel.Information, "Guard found {Categories} in a request of team {Team} (policy: log)", EventName = "Detected")]
    public static partial void Detected(ILogger logger, string team, string categories);
}
