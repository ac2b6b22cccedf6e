using System.Buffers;
using FASTER.core;

namespace LlmGateway.Budgets.Ledger;

/// <summary>
/// The append-only usage ledger: a FasterLog in <c>{Storage:Path}/ledger</c> with per-entry checksums, no
/// auto-commit, and a group commit issued by <see cref="LedgerKeeper"/> every few milliseconds. A record
/// is acknowledged once <see cref="WaitCommittedAsync"/> returns for its address. One writer process at a
/// time (a lock file); readers (the CLI) open it read-only.
/// </summary>
internal sealed class UsageLedger : IDisposable
{
    private readonly FasterLogSettings _settings;
    private readonly FasterLog _log;
    private readonly FileStream? _lockFile;
    private int _disposed;

    private UsageLedger(string directory, string? identity, FasterLogSettings settings, FasterLog log, FileStream? lockFile)
    {
        Directory = directory;
        Identity = identity;
        _settings = settings;
        _log = log;
        _lockFile = lockFile;
    }

    public string Directory { get; }

    /// <summary>
    /// The directory's identity marker (<c>IDENTITY</c>, a GUID written when the ledger is first opened for writing). FASTER
    /// recreates a removed directory and goes on committing into it, so the marker is how the keeper knows the directory
    /// it writes to is still the one it opened. Null for a read-only ledger that has none.
    /// </summary>
    public string? Identity { get; }

    private const string IdentityFile = "IDENTITY";

    /// <summary>End of what is durable: every record below it survives a crash.</summary>
    public long CommittedUntil => _log.CommittedUntilAddress;

    public long Tail => _log.TailAddress;

    public long Begin => _log.BeginAddress;

    /// <param name="wrapDevice">Tests wrap the log device to inject faults (as FASTER's own <c>SimulatedFlakyDevice</c> does).</param>
    /// <param name="create">False when reopening after a storage fault: a vanished directory must come back, not be made anew on whatever is mounted there now.</param>
    /// <param name="identity">When reopening: the identity the directory must still carry (see <see cref="Identity"/>).</param>
    public static UsageLedger Open(string directory, bool readOnly = false, Func<IDevice, IDevice>? wrapDevice = null, bool create = true, string? identity = null)
    {
        if (create)
            System.IO.Directory.CreateDirectory(directory);
        else if (!System.IO.Directory.Exists(directory))
            throw new DirectoryNotFoundException($"The ledger directory '{directory}' does not exist.");
        var found = ReadIdentity(directory);
        if (identity is not null && found != identity)
            throw new IOException(Replaced(directory));
        FileStream? lockFile = null;
        if (!readOnly)
        {
            try
            {
                lockFile = new FileStream(Path.Combine(directory, "LOCK"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException ex) when (ex.GetType() == typeof(IOException))
            {
                throw new IOException($"The ledger at '{directory}' is in use by another gateway process (Gateway:Storage:Path must not be shared).", ex);
            }
            found ??= WriteIdentity(directory);
        }
        var settings = new FasterLogSettings(directory, deleteDirOnDispose: false)
        {
            AutoCommit = false,
            LogChecksum = LogChecksumType.PerEntry,
            ReadOnlyMode = readOnly,
            PageSizeBits = 20,
            MemorySizeBits = 24,
            SegmentSizeBits = 28,
            LogCommitManager = new CheckedLogCommitManager(directory, readOnly),
        };
        try
        {
            if (wrapDevice is not null)
                settings.LogDevice = wrapDevice(settings.LogDevice);
            var log = new FasterLog(settings);
            // At startup only: a reopen after a fault rewrites its held records over whatever was not committed, on purpose.
            if (!readOnly && create && log.CommittedUntilAddress <= log.BeginAddress && HeldBytes(directory) is > 0 and var bytes)
            {
                log.Dispose();
                throw new InvalidDataException(Unrecoverable(directory, bytes));
            }
            return new UsageLedger(directory, found, settings, log, lockFile);
        }
        catch
        {
            settings.Dispose();
            lockFile?.Dispose();
            throw;
        }
    }

    /// <summary>
    /// True while the directory at <see cref="Directory"/> still carries this ledger's identity. False once it was removed
    /// (<c>rm -rf</c>: FASTER recreates it and "commits" into the new one while the old segments live on only as deleted
    /// files) or replaced (a volume unmounted under it).
    /// </summary>
    public bool InPlace()
    {
        try
        {
            return Identity is not null && ReadIdentity(Directory) == Identity;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>
    /// FASTER opens a log whose commit files are corrupt or missing as an empty one, and the next records would overwrite
    /// the old ones (every record and the balances they add up to). A writer refuses that and says what to do.
    /// </summary>
    private static string Unrecoverable(string directory, long bytes)
    {
        var commits = System.IO.Directory.Exists(Path.Combine(directory, "log-commits"))
            ? System.IO.Directory.GetFiles(Path.Combine(directory, "log-commits")).Length
            : 0;
        var why = commits == 0 ? "it has no commit file (log-commits/ is empty or missing)" : $"none of its {commits} commit file(s) in log-commits/ is readable";
        return $"The ledger at '{directory}' holds {bytes} bytes of records but {why}; opening it would overwrite every record. " +
            "Restore log-commits/ (or the whole directory) from a backup, or, to give up its history and start a new ledger (budgets restart from zero), move the directory away.";
    }

    private static long HeldBytes(string directory) =>
        new DirectoryInfo(directory).GetFiles("fasterlog.log.*").Sum(f => f.Length);

    public static string Replaced(string directory) =>
        $"the ledger directory '{directory}' was removed or replaced (its IDENTITY marker is gone or different)";

    private static string? ReadIdentity(string directory)
    {
        var path = Path.Combine(directory, IdentityFile);
        return File.Exists(path) ? File.ReadAllText(path).Trim() : null;
    }

    private static string WriteIdentity(string directory)
    {
        var identity = Guid.NewGuid().ToString("N");
        using var file = new FileStream(Path.Combine(directory, IdentityFile), FileMode.CreateNew, FileAccess.Write);
        file.Write(System.Text.Encoding.ASCII.GetBytes(identity));
        file.Flush(flushToDisk: true);
        return identity;
    }

    /// <summary>Appends a record in memory (durable after the next group commit); returns its address.</summary>
    public long Append(UsageRecord record)
    {
        var size = UsageRecordCodec.MaxSize(record);
        var buffer = ArrayPool<byte>.Shared.Rent(size);
        try
        {
            var length = UsageRecordCodec.Write(record, buffer);
            return _log.Enqueue(new ReadOnlySpan<byte>(buffer, 0, length));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Completes when the record at <paramref name="address"/> is committed (the acknowledgement).</summary>
    public ValueTask WaitCommittedAsync(long address, CancellationToken cancellationToken = default) =>
        address < _log.CommittedUntilAddress ? ValueTask.CompletedTask : _log.WaitForCommitAsync(address + 1, token: cancellationToken);

    /// <summary>Commits what was appended; false when there was nothing to commit.</summary>
    public async ValueTask<bool> CommitAsync(CancellationToken cancellationToken = default)
    {
        if (_log.TailAddress <= _log.CommittedUntilAddress)
            return false;
        await _log.CommitAsync(cancellationToken);
        return true;
    }

    /// <summary>Committed records from <paramref name="from"/> (an address) on, with their addresses; undecodable entries come back as null.</summary>
    public IEnumerable<(long Address, long Next, UsageRecord? Record)> Read(long from = 0)
    {
        var end = _log.CommittedUntilAddress;
        using var iterator = _log.Scan(Math.Max(from, _log.BeginAddress), end);
        while (iterator.GetNext(out byte[] entry, out var length, out var address, out var next))
            yield return (address, next, UsageRecordCodec.TryDecode(entry.AsSpan(0, length)));
    }

    public void Dispose()
    {
        // A failed ledger is disposed when the keeper reopens it, and maybe again at shutdown.
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
            return;
        _log.Dispose();
        _settings.Dispose();
        _lockFile?.Dispose();
    }
}
