using System.Collections.Concurrent;
using System.Numerics;
using FASTER.core;
using Session = FASTER.core.ClientSession<FASTER.core.SpanByte, FASTER.core.SpanByte, FASTER.core.SpanByte, byte[], FASTER.core.Empty,
    FASTER.core.IFunctions<FASTER.core.SpanByte, FASTER.core.SpanByte, FASTER.core.SpanByte, byte[], FASTER.core.Empty>>;

namespace LlmGateway.Storage;

/// <summary>
/// A durable byte-key → byte-value store on FASTER's FasterKV (SpanByte keys and values). Writes go to
/// FASTER's in-memory log at once; <see cref="CheckpointAsync"/> makes everything written so far durable
/// (fold-over checkpoint of index and log). After a crash the store recovers the last checkpoint:
/// what was written after it is lost, nothing before it is, and the files are never half-written state.
/// Sessions are pooled: a FASTER session is single-threaded.
/// </summary>
internal sealed class FasterEntryStore : IEntryStore
{
    private readonly FasterKV<SpanByte, SpanByte> _store;
    private readonly FasterKVSettings<SpanByte, SpanByte> _settings;
    private readonly IDevice _device;
    private readonly ConcurrentBag<Session> _sessions = new();
    private readonly SemaphoreSlim _checkpointLock = new(1, 1);
    private readonly FileStream _lock;
    // Readers take no lock; a store being disposed (reopened after a fault) waits for the ones inside it.
    private int _active;
    private int _closed;

    /// <param name="expectedRecords">Sizes FASTER's hash index (about 16 bytes a record; it grows overflow buckets past that).</param>
    /// <param name="wrapDevice">Wraps the log device; tests use it to inject storage faults.</param>
    /// <param name="identity">When reopening after a fault: the identity the folder must still carry (see <see cref="Identity"/>).</param>
    public FasterEntryStore(string folder, long memoryBytes, int maxValueBytes, long expectedRecords = 1 << 16, Func<IDevice, IDevice>? wrapDevice = null,
        string? identity = null)
    {
        if (identity is not null && ReadIdentity(folder) != identity)
            throw new IOException(Replaced(folder));
        Directory.CreateDirectory(folder);
        // FASTER files are for one process: a second gateway on the same folder must not open them.
        try
        {
            _lock = new FileStream(Path.Combine(folder, "LOCK"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException ex)
        {
            throw new IOException($"The store at {folder} is in use by another gateway process (give each process its own Gateway:Storage:Path).", ex);
        }
        Identity = ReadIdentity(folder) ?? WriteIdentity(folder);
        _device = Devices.CreateLogDevice(Path.Combine(folder, "hlog.log"), preallocateFile: false);
        if (wrapDevice is not null)
            _device = wrapDevice(_device);
        var pageSize = 1L << Math.Max(22, (int)Math.Ceiling(Math.Log2(maxValueBytes + 1024)) + 1);
        _settings = new FasterKVSettings<SpanByte, SpanByte>
        {
            IndexSize = Math.Max(1L << 16, (long)BitOperations.RoundUpToPowerOf2((ulong)Math.Max(1, expectedRecords) * 16)),
            LogDevice = _device,
            MemorySize = Math.Max(memoryBytes, pageSize * 4),
            PageSize = pageSize,
            CheckpointDir = Path.Combine(folder, "checkpoints"),
            RemoveOutdatedCheckpoints = true,
            TryRecoverLatest = true,
        };
        try
        {
            _store = new FasterKV<SpanByte, SpanByte>(_settings);
        }
        catch
        {
            _device.Dispose();
            _settings.Dispose();
            _lock.Dispose();
            throw;
        }
        Folder = folder;
    }

    public string Folder { get; }

    /// <summary>
    /// The folder's identity marker (<c>IDENTITY</c>, a GUID written when the store is first created). FASTER recreates a
    /// removed folder and checkpoints into it while its log lives on only in deleted files; the marker shows that.
    /// </summary>
    public string Identity { get; }

    /// <summary>True while <see cref="Folder"/> still carries <see cref="Identity"/> (false after an <c>rm -rf</c> or an unmounted volume).</summary>
    public bool InPlace()
    {
        try
        {
            return ReadIdentity(Folder) == Identity;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    public static string Replaced(string folder) => $"the store folder '{folder}' was removed or replaced (its IDENTITY marker is gone or different)";

    private static string? ReadIdentity(string folder)
    {
        var path = Path.Combine(folder, "IDENTITY");
        return File.Exists(path) ? File.ReadAllText(path).Trim() : null;
    }

    private static string WriteIdentity(string folder)
    {
        var identity = Guid.NewGuid().ToString("N");
        using var file = new FileStream(Path.Combine(folder, "IDENTITY"), FileMode.CreateNew, FileAccess.Write);
        file.Write(System.Text.Encoding.ASCII.GetBytes(identity));
        file.Flush(flushToDisk: true);
        return identity;
    }

    /// <summary>FASTER's version after recovery at open (1 for a new store, or when no checkpoint could be recovered).</summary>
    public long RecoveredVersion => _store.RecoveredVersion;

    /// <summary>
    /// True when checkpoints were on disk but none could be recovered (corrupt or partly deleted): FASTER then opens the
    /// store empty, and what the old log held is gone for this store.
    /// </summary>
    public bool CheckpointUnrecovered => RecoveredVersion <= 1 && Directory.Exists(_settings.CheckpointDir) &&
        Directory.EnumerateFiles(_settings.CheckpointDir, "*", SearchOption.AllDirectories).Any();

    public unsafe void Upsert(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value)
    {
        var session = Rent();
        try
        {
            fixed (byte* k = key)
            fixed (byte* v = value)
            {
                var keySpan = new SpanByte(key.Length, (IntPtr)k);
                var valueSpan = new SpanByte(value.Length, (IntPtr)v);
                session.Upsert(ref keySpan, ref valueSpan);
            }
        }
        finally
        {
            Return(session);
        }
    }

    public byte[]? Read(ReadOnlySpan<byte> key)
    {
        var session = Rent();
        try
        {
            var status = Start(session, key, out var output);
            if (!status.IsPending)
                return status.Found ? output : null;
            session.CompletePendingWithOutputs(out var outputs, wait: true);
            using (outputs)
                return Completed(outputs);
        }
        finally
        {
            Return(session);
        }
    }

    /// <summary>
    /// A record still in memory is read at once; one that has left it (<c>Cache:MemoryBytes</c>) is awaited. Waiting
    /// for it on the calling thread, as <see cref="Read"/> does, holds a pool thread while the disk read needs one to
    /// complete: a hit-heavy load on a cache larger than its memory could starve the pool.
    /// </summary>
    public async ValueTask<byte[]?> ReadAsync(ReadOnlyMemory<byte> key)
    {
        var session = Rent();
        try
        {
            var status = Start(session, key.Span, out var output);
            if (!status.IsPending)
                return status.Found ? output : null;
            // Not cancellable: the session goes back to the pool, and must not go back with a read still pending.
            using var outputs = await session.CompletePendingWithOutputsAsync();
            return Completed(outputs);
        }
        finally
        {
            Return(session);
        }
    }

    /// <summary>Reads from memory, or starts the read from disk (then pending; FASTER keeps its own copy of the key).</summary>
    private static unsafe Status Start(Session session, ReadOnlySpan<byte> key, out byte[] output)
    {
        fixed (byte* k = key)
        {
            var keySpan = new SpanByte(key.Length, (IntPtr)k);
            output = null!;
            return session.Read(ref keySpan, ref output);
        }
    }

    private static byte[]? Completed(CompletedOutputIterator<SpanByte, SpanByte, SpanByte, byte[], Empty> outputs) =>
        outputs.Next() && outputs.Current.Status.Found ? outputs.Current.Output : null;

    public unsafe void Delete(ReadOnlySpan<byte> key)
    {
        var session = Rent();
        try
        {
            fixed (byte* k = key)
            {
                var keySpan = new SpanByte(key.Length, (IntPtr)k);
                session.Delete(ref keySpan);
                session.CompletePending(wait: true);
            }
        }
        finally
        {
            Return(session);
        }
    }

    /// <summary>Every live record (used at startup to rebuild what lives in memory).</summary>
    public IEnumerable<(byte[] Key, byte[] Value)> Scan()
    {
        // The log iterator can yield a key's older record as well as its latest (seen after a value was rewritten
        // larger, e.g. an answer given its vector): each key once, with its current value, or not at all when deleted.
        var keys = new List<byte[]>();
        var seen = new HashSet<byte[]>(ByteArrayComparer.Instance);
        var session = Rent();
        try
        {
            using var iterator = session.Iterate();
            while (iterator.GetNext(out _))
            {
                var key = iterator.GetKey().ToByteArray();
                if (seen.Add(key))
                    keys.Add(key);
            }
        }
        finally
        {
            Return(session);
        }
        foreach (var key in keys)
        {
            if (Read(key) is { } value)
                yield return (key, value);
        }
    }

    /// <summary>Makes everything written so far durable.</summary>
    public async Task CheckpointAsync(CancellationToken cancellationToken)
    {
        await _checkpointLock.WaitAsync(cancellationToken);
        try
        {
            // Not taken: an earlier checkpoint never finished (its writes failed); that is a fault, not a no-op.
            if (!_store.TryInitiateFullCheckpoint(out _, CheckpointType.FoldOver))
                throw new IOException($"A checkpoint of {Folder} could not start: the previous one never completed.");
            await AdvancePastSessionsAsync(cancellationToken);
            // Waits for the flush (and throws when it failed).
            await _store.CompleteCheckpointAsync(cancellationToken);
        }
        finally
        {
            _checkpointLock.Release();
        }
    }

    /// <summary>
    /// A checkpoint moves on only once every session has seen its version change, and a pooled session that is idle
    /// sees it only when it is next used. FASTER's CompleteCheckpointAsync waits for that in a loop that never yields:
    /// a whole core for as long as the checkpoint lasts (measured under a miss load: ~40 % of the gateway's CPU in
    /// LightEpoch.CheckIsComplete and the state machine). So the idle sessions are refreshed here, and the wait polls.
    /// </summary>
    private async Task AdvancePastSessionsAsync(CancellationToken cancellationToken)
    {
        for (var round = 0; round < 10_000 && WaitsForSessions(_store.SystemState.Phase); round++)
        {
            RefreshIdleSessions();
            if (!WaitsForSessions(_store.SystemState.Phase))
                return;
            await Task.Delay(1, cancellationToken);
        }
    }

    private static bool WaitsForSessions(Phase phase) => phase is Phase.PREPARE or Phase.IN_PROGRESS or Phase.PREP_INDEX_CHECKPOINT or Phase.INTERMEDIATE;

    private void RefreshIdleSessions()
    {
        var taken = new List<Session>();
        Interlocked.Increment(ref _active);
        try
        {
            if (Volatile.Read(ref _closed) == 1)
                return;
            while (_sessions.TryTake(out var session))
                taken.Add(session);
            foreach (var session in taken)
                session.Refresh();
        }
        finally
        {
            foreach (var session in taken)
                _sessions.Add(session);
            Interlocked.Decrement(ref _active);
        }
    }

    private Session Rent()
    {
        Interlocked.Increment(ref _active);
        if (Volatile.Read(ref _closed) == 1)
        {
            Interlocked.Decrement(ref _active);
            throw new ObjectDisposedException(nameof(FasterEntryStore), $"The store at {Folder} is closed.");
        }
        return _sessions.TryTake(out var session) ? session : _store.NewSession<SpanByte, byte[], Empty>(new SpanByteFunctions_ByteArrayOutput<Empty>());
    }

    private void Return(Session session)
    {
        _sessions.Add(session);
        Interlocked.Decrement(ref _active);
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _closed, 1) == 1)
            return;
        var wait = new SpinWait();
        while (Volatile.Read(ref _active) > 0)
            wait.SpinOnce();
        while (_sessions.TryTake(out var session))
            session.Dispose();
        _store.Dispose();
        _device.Dispose();
        _settings.Dispose();
        _lock.Dispose();
    }
}
