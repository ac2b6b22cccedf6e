namespace LlmGateway.Storage.Postgres;

/// <summary>Log lines of the PostgreSQL storage provider (event ids 10000-10999). Never passwords: hosts and databases only.</summary>
internal static partial class PostgresLog
{
    [LoggerMessage(10000, LogLevel.Information, "PostgreSQL storage at {Server}: schema version {Version} ({Applied} migrations applied now)", EventName = "PostgresReady")]
    public static partial void Ready(ILogger logger, string server, int version, int applied);

    [LoggerMessage(10001, LogLevel.Information, "PostgreSQL migration {Version} ({Name}) applied", EventName = "PostgresMigrated")]
    public static partial void Migrated(ILogger logger, int version, string name);

    [LoggerMessage(10002, LogLevel.Error, "PostgreSQL at {Server} is failing; usage records are held in memory until it returns ({Policy}: requests that need accounting are {Action}): {Error}", EventName = "PostgresFaulted")]
    public static partial void Faulted(ILogger logger, string server, string policy, string action, string error);

    [LoggerMessage(10003, LogLevel.Information, "PostgreSQL at {Server} is back: {Flushed} held usage records written", EventName = "PostgresRecovered")]
    public static partial void Recovered(ILogger logger, string server, int flushed);

    [LoggerMessage(10004, LogLevel.Error, "{Count} usage records were lost (not written to PostgreSQL at {Server}): {Why}", EventName = "PostgresRecordsLost")]
    public static partial void RecordsLost(ILogger logger, int count, string server, string why);

    [LoggerMessage(10005, LogLevel.Information, "{Count} budget reservations expired unsettled (a replica stopped mid-request) and were given back", EventName = "ReservationsExpired")]
    public static partial void ReservationsExpired(ILogger logger, int count);

    [LoggerMessage(10006, LogLevel.Warning, "Budget reservation sweep failed: {Error}", EventName = "ReservationSweepFailed")]
    public static partial void SweepFailed(ILogger logger, string error);

    [LoggerMessage(10007, LogLevel.Warning, "Following shared cache entries failed (reconnecting; a catch-up query covers the gap): {Error}", EventName = "CacheFollowFailed")]
    public static partial void CacheFollowFailed(ILogger logger, string error);
}
