namespace LlmGateway.Caching;

/// <summary>Log messages of the semantic cache (event ids 5000-5099). Never prompt or answer text.</summary>
internal static partial class CacheLog
{
    [LoggerMessage(5000, LogLevel.Information, "Cache opened at {Folder}: {Entries} entries ({Bytes} bytes), {Indexed} in the vector index, {OtherEmbedder} from another embedder (exact tier only, they age out)", EventName = "CacheOpened")]
    public static partial void Opened(ILogger logger, string folder, int entries, long bytes, int indexed, int otherEmbedder);

    [LoggerMessage(5001, LogLevel.Warning, "Cache entry unreadable and removed: {Reason}", EventName = "EntryUnreadable")]
    public static partial void EntryUnreadable(ILogger logger, string reason);

    [LoggerMessage(5002, LogLevel.Warning, "Embedding the query failed ({Reason}); served as a miss", EventName = "EmbeddingFailed")]
    public static partial void EmbeddingFailed(ILogger logger, string reason);

    [LoggerMessage(5003, LogLevel.Information, "Cache evicted {Count} entries ({Reason})", EventName = "Evicted")]
    public static partial void Evicted(ILogger logger, int count, string reason);

    [LoggerMessage(5004, LogLevel.Error, "Cache commit failed", EventName = "CommitFailed")]
    public static partial void CommitFailed(ILogger logger, Exception exception);

    [LoggerMessage(5005, LogLevel.Information, "Vector index repaired after load: {Added} added, {Removed} removed to match the store", EventName = "IndexReconciled")]
    public static partial void IndexReconciled(ILogger logger, int added, int removed);

    [LoggerMessage(5007, LogLevel.Warning, "Shadow check of a semantic hit failed ({Reason})", EventName = "ShadowCheckFailed")]
    public static partial void ShadowCheckFailed(ILogger logger, string reason);

    [LoggerMessage(5006, LogLevel.Warning, "Cache store failed; the answer was served but not stored", EventName = "StoreFailed")]
    public static partial void StoreFailed(ILogger logger, Exception exception);

    [LoggerMessage(5008, LogLevel.Warning, "Cache shutdown abandoned its final checkpoint and snapshot (entries since the last checkpoint are rebuilt or lost; the cache is not the source of truth): {Why}", EventName = "CacheCloseAbandoned")]
    public static partial void CloseAbandoned(ILogger logger, string why);

    [LoggerMessage(5009, LogLevel.Error, "Cache storage at {Folder} failing ({Error}); the cache is bypassed (lookups miss, answers are not stored) until it returns", EventName = "CacheStorageFaulted")]
    public static partial void StorageFaulted(ILogger logger, string folder, string error);

    [LoggerMessage(5010, LogLevel.Information, "Cache storage at {Folder} recovered (failing since {Since:o}); reopened with {Entries} entries from its last checkpoint", EventName = "CacheStorageRecovered")]
    public static partial void StorageRecovered(ILogger logger, string folder, DateTimeOffset since, int entries);

    [LoggerMessage(5150, LogLevel.Warning, "Indexing a batch of stored answers failed; they stay exact-only", EventName = "IndexingFailed")]
    public static partial void IndexingFailed(ILogger logger, Exception exception);

    [LoggerMessage(5151, LogLevel.Warning, "Shutdown timeout passed with {Pending} stored answers not yet indexed; they stay exact-only", EventName = "IndexingAbandoned")]
    public static partial void IndexingAbandoned(ILogger logger, long pending);

    [LoggerMessage(5250, LogLevel.Warning, "Cache checkpoint at {Folder} could not be recovered (corrupt or incomplete): the cache starts empty and refills as providers answer", EventName = "CacheCheckpointUnrecovered")]
    public static partial void CheckpointUnrecovered(ILogger logger, string folder);
}
