namespace LlmGateway.VectorIndex;

/// <summary>Log events of the vector index (event ids 4000-4099). Never logs vectors or ids of prompts.</summary>
internal static partial class VectorIndexLog
{
    [LoggerMessage(4000, LogLevel.Information, "Vector index snapshot loaded from {Path}: {Count} vectors in {Partitions} partitions in {ElapsedMs} ms", EventName = "SnapshotLoaded")]
    public static partial void SnapshotLoaded(ILogger logger, string path, int count, int partitions, long elapsedMs);

    [LoggerMessage(4001, LogLevel.Warning, "Vector index snapshot {Path} rejected ({Reason}); rebuilding the index from the store", EventName = "SnapshotRejected")]
    public static partial void SnapshotRejected(ILogger logger, string path, string reason);

    [LoggerMessage(4002, LogLevel.Information, "Vector index rebuilt from the store: {Count} vectors in {Partitions} partitions in {ElapsedMs} ms", EventName = "IndexRebuilt")]
    public static partial void IndexRebuilt(ILogger logger, int count, int partitions, long elapsedMs);

    [LoggerMessage(4003, LogLevel.Information, "Vector index snapshot saved to {Path}: {Count} vectors, {Bytes} bytes in {ElapsedMs} ms", EventName = "SnapshotSaved")]
    public static partial void SnapshotSaved(ILogger logger, string path, int count, long bytes, long elapsedMs);
}
