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

    private UsageLedger(string directory, FasterLogSettings settings, FasterLog log, FileStream? lockFile)
    {
        Directory = directory;
        _settings = settings;
        _log = log;
        _lockFile = lockFile;
    }

    public string Directory { get; }

    /// <summary>End of what is durable: every record below it survives a crash.</summary>
    public long CommittedUntil => _log.CommittedUntilAddress;

    public long Tail => _log.TailAddress;

    public long Begin => _log.BeginAddress;

    /// <param name="wrapDevice">Tests wrap the log device to inject faults (as FASTER's own <c>SimulatedFlakyDevice</c> does).</param>
    /// <param name="create">False when reopening after a storage fault: a vanished directory must come back, not be made anew on whatever is mounted there now.</param>
    public static UsageLedger Open(string directory, bool readOnly = false, Func<IDevice, IDevice>? wrapDevice = null, bool create = true)
    {
        if (create)
            System.IO.Directory.CreateDirectory(directory);
        else if (!System.IO.Directory.Exists(directory))
            throw new DirectoryNotFoundException($"The ledger directory '{directory}' does not exist.");
        FileStream? lockFile = null;
        if (!readOnly)
        {
            try
            {
                lockFile = new FileStream(Path.Combine(directory, "LOCK"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException ex)
            {
                throw new IOException($"The ledger at '{directory}' is in use by another gateway process (Gateway:Storage:Path must not be shared).", ex);
            }
        }
        var settings = new FasterLogSettings(directory, deleteDirOnDispose: false)
        {
            AutoCommit = false,
            LogChecksum = LogChecksumType.PerEntry,
            ReadOnlyMode = readOnly,
            PageSizeBits = 20,
            MemorySizeBits = 24,
            SegmentSizeBits = 28,
        };
        try
        {
            if (wrapDevice is not null)
                settings.LogDevice = wrapDevice(settings.LogDevice);
            var log = new FasterLog(settings);
            return new UsageLedger(directory, settings, log, lockFile);
        }
        catch
        {
            settings.Dispose();
            lockFile?.Dispose();
            throw;
        }
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
