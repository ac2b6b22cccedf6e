using System.Diagnostics.Metrics;
using LlmGateway.Budgets.Accounts;
using LlmGateway.Gateway;

namespace LlmGateway.Budgets.Ledger;

/// <summary>
/// Owns the gateway's ledger: opens it (at startup when accounting is on, else on first use), rebuilds the
/// balances by replaying it from the last snapshot, runs the group commit, and at shutdown commits, snapshots and closes.
/// Every record stays here until a commit covers it: when storage fails (FASTER's log then refuses all further
/// work until reopened) the records are held in memory, the log is reopened every <c>LedgerRetryMs</c>, and the
/// held records are written again once it opens and commits. Shutdown never waits on storage past its token.
/// </summary>
internal sealed class LedgerKeeper : ILedgerStore, IHostedService, IDisposable
{
    private readonly string _directory; // Gateway:Storage:Path is read at startup: a reload does not move the ledger
    private readonly BudgetsConfigProvider _budgets;
    private readonly AccountBook _book;
    private readonly TimeProvider _time;
    private readonly ILogger<LedgerKeeper> _logger;
    private readonly LedgerDeviceHook? _hook;
    private readonly LedgerMetrics _metrics;
    private readonly Lock _lock = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<LedgerEntry> _entries = []; // not yet durable, in append order
    private volatile UsageLedger? _ledger;
    private volatile LedgerFault? _fault;
    private bool _lossLogged;
    private long _checkedAt; // Environment.TickCount64 of the last identity check of the directory
    private long _acknowledgedUntil; // every record below it was acknowledged as durable
    private Task _commitLoop = Task.CompletedTask;
    private int _disposed;

    public LedgerKeeper(GatewayConfigStore config, BudgetsConfigProvider budgets, AccountBook book, IMeterFactory meters, TimeProvider time,
        ILogger<LedgerKeeper> logger, LedgerDeviceHook? hook = null)
    {
        _directory = LedgerDirectory(config.Current.Options.Storage.Path);
        _budgets = budgets;
        _book = book;
        _time = time;
        _logger = logger;
        _hook = hook;
        _metrics = new LedgerMetrics(meters, this);
    }

    public UsageLedger Ledger => _ledger ?? Open();

    public UsageLedger? Opened => _ledger;

    /// <summary>The current storage fault episode; null while records become durable.</summary>
    public LedgerFault? Fault => _fault;

    /// <summary>Records appended and not yet committed (held in memory while the ledger fails).</summary>
    public int Unrecorded
    {
        get
        {
            lock (_lock)
                return _entries.Count;
        }
    }

    public static string LedgerDirectory(string storagePath) => Path.GetFullPath(Path.Combine(storagePath, "ledger"));

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (_budgets.Current.Active)
            Open();
        else
            BudgetsLog.AccountingOff(_logger);
        return Task.CompletedTask;
    }

    /// <summary>Appends a record (durable after the next group commit); null when it was counted as lost (the memory bound during a fault).</summary>
    public LedgerEntry? Append(UsageRecord record)
    {
        var ledger = Ledger;
        lock (_lock)
        {
            if (_fault is not null && _entries.Count >= _budgets.Current.Accounting.MaxUnrecordedRecords)
            {
                _metrics.Lost(1);
                if (!_lossLogged)
                    BudgetsLog.LedgerRecordsLost(_logger, 1, ledger.Directory, "the ledger is failing and Gateway:Accounting:MaxUnrecordedRecords are held already (further losses are only counted)");
                _lossLogged = true;
                return null;
            }
            var entry = new LedgerEntry(record);
            if (_fault is null)
            {
                try
                {
                    entry.At(_ledger!, _ledger!.Append(record));
                }
                catch (Exception ex)
                {
                    EnterFault(ex);
                }
            }
            _entries.Add(entry);
            if (_fault is not null)
                entry.Held();
            return entry;
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        var ledger = _ledger;
        if (ledger is null)
            return;
        await _stopping.CancelAsync();
        try
        {
            await _commitLoop.WaitAsync(cancellationToken);
            if (_fault is not null)
                await TryReopenAsync(cancellationToken);
            if (_fault is null)
            {
                ledger = _ledger!;
                await BoundedCommitAsync(ledger, cancellationToken);
                if (!ledger.InPlace())
                    throw new IOException(UsageLedger.Replaced(ledger.Directory));
                Confirm(ledger);
                Snapshot(_book, ledger.CommittedUntil).Save(ledger.Directory);
                BudgetsLog.LedgerClosed(_logger, ledger.CommittedUntil);
                return;
            }
            BudgetsLog.LedgerCloseAbandoned(_logger, $"storage is failing ({_fault.Error})");
        }
        catch (Exception ex)
        {
            BudgetsLog.LedgerCloseAbandoned(_logger, ex is OperationCanceledException ? "the shutdown timeout passed" : ex.Message);
        }
        var lost = Unrecorded;
        if (lost > 0)
        {
            _metrics.Lost(lost);
            BudgetsLog.LedgerRecordsLost(_logger, lost, ledger.Directory, "storage had not returned when the gateway stopped");
        }
    }

    private UsageLedger Open()
    {
        lock (_lock)
        {
            if (_ledger is { } opened)
                return opened;
            var ledger = UsageLedger.Open(_directory, wrapDevice: _hook?.Wrap);
            var snapshot = LedgerSnapshot.Load(ledger.Directory);
            if (snapshot is null && File.Exists(Path.Combine(ledger.Directory, LedgerSnapshot.FileName)))
                BudgetsLog.SnapshotRebuilt(_logger, ledger.Directory, "it is unreadable");
            else if (snapshot is not null && snapshot.UntilAddress > ledger.CommittedUntil)
                BudgetsLog.SnapshotRebuilt(_logger, ledger.Directory, $"it covers records up to address {snapshot.UntilAddress}, beyond the ledger's last commit at {ledger.CommittedUntil}");
            var (replayed, corrupt, until) = Replay(ledger, _book, snapshot);
            Snapshot(_book, until).Save(ledger.Directory);
            BudgetsLog.LedgerOpened(_logger, ledger.Directory, replayed, snapshot?.UntilAddress ?? 0, corrupt, snapshot is not null);
            _commitLoop = Task.Run(() => RunAsync(_stopping.Token));
            _ledger = ledger;
            return ledger;
        }
    }

    /// <summary>Group commit: one commit (one fsync) per interval for all records appended meanwhile; while failing, a reopen per retry interval.</summary>
    private async Task RunAsync(CancellationToken stopping)
    {
        try
        {
            while (true)
            {
                // Read each round, so a reload of CommitIntervalMs or LedgerRetryMs applies without a restart (as in PostgresLedger).
                var accounting = _budgets.Current.Accounting;
                await Task.Delay(TimeSpan.FromMilliseconds(_fault is null ? accounting.CommitIntervalMs : accounting.LedgerRetryMs), stopping);
                if (_fault is null)
                    await CommitAsync(stopping);
                else
                    await TryReopenAsync(stopping);
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
    }

    /// <summary>
    /// A commit, bounded: FASTER does not complete a commit whose metadata file could not be created, so one that
    /// outlives <c>CommitTimeoutMs</c> is a fault. Real time on purpose: this paces I/O, it is not business time.
    /// </summary>
    private Task<bool> BoundedCommitAsync(UsageLedger ledger, CancellationToken cancellationToken) =>
        ledger.CommitAsync(cancellationToken).AsTask().WaitAsync(TimeSpan.FromMilliseconds(_budgets.Current.Accounting.CommitTimeoutMs), cancellationToken);

    /// <summary>
    /// A commit, acknowledged only if the directory is still the one opened: after an <c>rm -rf</c>, or a volume pulled
    /// while the commit ran, FASTER completes it into a directory it recreated (its records sit in files no longer
    /// reachable), so the records stay held until the real directory returns. Idle, the directory is checked every <c>LedgerRetryMs</c>.
    /// </summary>
    private async Task CommitAsync(CancellationToken stopping)
    {
        var ledger = _ledger!;
        bool committed;
        try
        {
            committed = await BoundedCommitAsync(ledger, stopping);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !stopping.IsCancellationRequested)
        {
            lock (_lock)
                EnterFault(ex);
            return;
        }
        var now = Environment.TickCount64;
        if (committed || now - _checkedAt >= _budgets.Current.Accounting.LedgerRetryMs)
        {
            _checkedAt = now;
            if (!ledger.InPlace())
            {
                lock (_lock)
                    EnterFault(new IOException(UsageLedger.Replaced(ledger.Directory) + "; records committed there since are held until it returns"));
                return;
            }
        }
        Confirm(ledger);
    }

    /// <summary>
    /// Reopens the log (FASTER recovers it to its last commit, in the directory it opened first: same identity), confirms the
    /// held records that commit covers (a commit that completed as the fault struck), writes the others again and commits them.
    /// </summary>
    private async Task TryReopenAsync(CancellationToken cancellationToken)
    {
        var directory = _directory;
        var failed = _ledger;
        UsageLedger? fresh = null;
        try
        {
            failed?.Dispose();
            fresh = UsageLedger.Open(directory, wrapDevice: _hook?.Wrap, create: false, identity: failed?.Identity);
            // Appending after a recovery that fell short of what was acknowledged would write over acknowledged records.
            if (fresh.CommittedUntil < _acknowledgedUntil)
                throw new IOException($"the ledger recovered only to address {fresh.CommittedUntil}, below the {_acknowledgedUntil} already acknowledged (its commit files were lost); not writing over it");
            int flushed;
            lock (_lock)
            {
                var recovered = fresh.CommittedUntil;
                var durable = 0;
                foreach (var entry in _entries)
                {
                    if (failed is not null && ReferenceEquals(entry.Log, failed) && entry.Address >= 0 && entry.Address < recovered)
                    {
                        entry.Committed();
                        durable++;
                    }
                    else
                        entry.At(fresh, fresh.Append(entry.Record));
                }
                // Entries of the failed log are in append order, so the durable ones lead the list.
                _entries.RemoveRange(0, durable);
                flushed = _entries.Count;
                _ledger = fresh;
            }
            await BoundedCommitAsync(fresh, cancellationToken);
            if (!fresh.InPlace())
                throw new IOException(UsageLedger.Replaced(directory));
            lock (_lock)
            {
                // Records that arrived while the commit ran were held in memory only.
                foreach (var entry in _entries)
                    if (entry.Address < 0)
                        entry.At(fresh, fresh.Append(entry.Record));
                _fault = null;
                _lossLogged = false;
            }
            Confirm(fresh);
            BudgetsLog.LedgerRecovered(_logger, directory, flushed);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Still failing: the fault episode goes on (logged once, when it began; each attempt at Debug).
            BudgetsLog.LedgerReopenFailed(_logger, directory, ex.GetBaseException().Message);
            fresh?.Dispose();
        }
    }

    /// <summary>Acknowledges the records the last commit of <paramref name="ledger"/> covers.</summary>
    private void Confirm(UsageLedger ledger)
    {
        lock (_lock)
        {
            if (!ReferenceEquals(ledger, _ledger))
                return;
            var until = ledger.CommittedUntil;
            _acknowledgedUntil = Math.Max(_acknowledgedUntil, until);
            var count = 0;
            while (count < _entries.Count && _entries[count].Address >= 0 && _entries[count].Address < until)
                _entries[count++].Committed();
            _entries.RemoveRange(0, count);
        }
    }

    /// <summary>Starts a fault episode (caller holds the lock): one log line, and the waiting requests stop waiting.</summary>
    private void EnterFault(Exception ex)
    {
        if (_fault is not null)
            return;
        var error = ex.GetBaseException().Message;
        _fault = new LedgerFault(_time.GetUtcNow(), error);
        _metrics.Faulted();
        var policy = _budgets.Current.Accounting.OnLedgerFailure;
        BudgetsLog.LedgerFaulted(_logger, _ledger?.Directory ?? "?", $"Gateway:Accounting:OnLedgerFailure = {policy}",
            policy == LedgerFailurePolicy.Refuse ? "refused with 503" : "served", error);
        // Addresses are kept: a reopen finds which of them the last commit covered.
        foreach (var entry in _entries)
            entry.Held();
    }

    /// <summary>Restores the snapshot's buckets, then adds every committed record after it. Returns the counts and the address replay reached.</summary>
    public static (long Replayed, long Corrupt, long Until) Replay(UsageLedger ledger, AccountBook book, LedgerSnapshot? snapshot)
    {
        var from = 0L;
        if (snapshot is not null && snapshot.UntilAddress <= ledger.CommittedUntil)
        {
            foreach (var account in snapshot.Accounts)
            {
                var target = account.KeyId is null ? book.Team(account.Team) : book.Key(account.Team, account.KeyId);
                foreach (var b in account.Buckets)
                    target.RestoreBucket(b.Bucket, b.Usd, b.Tokens);
            }
            from = snapshot.UntilAddress;
        }
        long replayed = 0, corrupt = 0, until = Math.Max(from, ledger.Begin);
        foreach (var (_, next, record) in ledger.Read(from))
        {
            until = next;
            if (record is null)
            {
                corrupt++;
                continue;
            }
            Apply(book, record);
            replayed++;
        }
        return (replayed, corrupt, Math.Max(until, ledger.CommittedUntil));
    }

    public static void Apply(AccountBook book, UsageRecord record)
    {
        book.Team(record.Team).Replay(record.Time, record.CostUsd, record.BilledTokens);
        book.Key(record.Team, record.KeyId).Replay(record.Time, record.CostUsd, record.BilledTokens);
    }

    private static LedgerSnapshot Snapshot(AccountBook book, long until) => new(until,
        book.All.Select(a => new AccountSnapshot(a.Team, a.KeyId, a.Buckets().Select(b => new BucketSnapshot(b.Bucket, b.Usd, b.Tokens)).ToList())).ToList());

    public void Dispose()
    {
        // Registered as a singleton and as a hosted service, so the container may dispose it twice.
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
            return;
        _stopping.Cancel();
        _ledger?.Dispose();
        _stopping.Dispose();
    }
}
