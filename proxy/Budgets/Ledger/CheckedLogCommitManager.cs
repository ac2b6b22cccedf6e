using System.Buffers.Binary;
using FASTER.core;

namespace LlmGateway.Budgets.Ledger;

/// <summary>
/// FasterLog's commit files (<c>log-commits/commit.N.0</c>, same format as FASTER's <c>DeviceLogCommitCheckpointManager</c>:
/// an int32 length, the metadata, padded to 512 bytes), written so that a failure is a failure. FASTER's own manager
/// ignores a failed write of this file (it only logs it): on a full disk the commit "succeeded" with an empty commit
/// file and the previous one deleted, and the next start found no commit at all. Here the write is flushed to disk and
/// its error thrown, which leaves the commit incomplete (the keeper's <c>CommitTimeoutMs</c> turns it into a fault episode)
/// and the previous commit file in place. Older commits are deleted only after a newer one is on disk.
/// </summary>
internal sealed class CheckedLogCommitManager(string logDirectory, bool readOnly) : ILogCommitManager
{
    private const int Sector = 512;
    private readonly string _directory = Path.Combine(logDirectory, "log-commits");

    public void Commit(long beginAddress, long untilAddress, byte[] commitMetadata, long commitNum, bool forceWriteMetadata)
    {
        Directory.CreateDirectory(_directory);
        var path = PathOf(commitNum);
        var buffer = new byte[(sizeof(int) + commitMetadata.Length + Sector - 1) / Sector * Sector];
        BinaryPrimitives.WriteInt32LittleEndian(buffer, commitMetadata.Length);
        commitMetadata.CopyTo(buffer, sizeof(int));
        try
        {
            using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None);
            file.Write(buffer);
            file.Flush(flushToDisk: true);
        }
        catch
        {
            TryDelete(path); // an empty or partial commit file is not a commit
            throw;
        }
        foreach (var older in ListCommits().Where(n => n < commitNum))
            TryDelete(PathOf(older));
    }

    public byte[] GetCommitMetadata(long commitNum)
    {
        var bytes = File.ReadAllBytes(PathOf(commitNum));
        var length = bytes.Length >= sizeof(int) ? BinaryPrimitives.ReadInt32LittleEndian(bytes) : -1;
        if (length <= 0 || length > bytes.Length - sizeof(int))
            throw new InvalidDataException($"The ledger commit file {PathOf(commitNum)} is truncated or corrupt.");
        return bytes.AsSpan(sizeof(int), length).ToArray();
    }

    public IEnumerable<long> ListCommits()
    {
        if (!Directory.Exists(_directory))
            return [];
        return Directory.EnumerateFiles(_directory, "commit.*.0")
            .Select(f => Path.GetFileName(f).Split('.'))
            .Where(parts => parts.Length == 3 && long.TryParse(parts[1], out _))
            .Select(parts => long.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture))
            .OrderByDescending(n => n)
            .ToList();
    }

    public void RemoveCommit(long commitNum) => TryDelete(PathOf(commitNum));

    public void RemoveAllCommits()
    {
        foreach (var commit in ListCommits())
            RemoveCommit(commit);
    }

    /// <summary>Keeps only the commit recovered from (as FASTER's manager does); a reader deletes nothing.</summary>
    public void OnRecovery(long commitNum)
    {
        if (readOnly)
            return;
        foreach (var other in ListCommits().Where(n => n != commitNum))
            TryDelete(PathOf(other));
    }

    public void Dispose()
    {
    }

    private string PathOf(long commitNum) => Path.Combine(_directory, $"commit.{commitNum.ToString(System.Globalization.CultureInfo.InvariantCulture)}.0");

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
        }
    }
}
