using LlmGateway.Budgets.Accounts;
using LlmGateway.Gateway;

namespace LlmGateway.Budgets.Ledger;

/// <summary>
/// Owns the gateway's ledger: opens it (at startup when accounting is on, else on first use), rebuilds the
/// balances by replaying it from the last snapshot, runs the group commit, and at shutdown commits, snapshots and closes.
/// </summary>
internal sealed class LedgerKeeper(GatewayConfigStore config, BudgetsConfigProvider budgets, AccountBook book, ILogger<LedgerKeeper> logger) : IHostedService, IDisposable
{
    private readonly Lock _openLock = new();
    private readonly CancellationTokenSource _stopping = new();
    private volatile UsageLedger? _ledger;
    private Task _commitLoop = Task.CompletedTask;
    private int _disposed;

    public UsageLedger Ledger => _ledger ?? Open();

    public UsageLedger? Opened => _ledger;

    public static string LedgerDirectory(string storagePath) => Path.GetFullPath(Path.Combine(storagePath, "ledger"));

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (budgets.Current.Active)
            Open();
        else
            BudgetsLog.AccountingOff(logger);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        var ledger = _ledger;
        if (ledger is null)
            return;
        await _stopping.CancelAsync();
        await _commitLoop;
        await ledger.CommitAsync(cancellationToken);
        Snapshot(book, ledger.CommittedUntil).Save(ledger.Directory);
        BudgetsLog.LedgerClosed(logger, ledger.CommittedUntil);
    }

    private UsageLedger Open()
    {
        lock (_openLock)
        {
            if (_ledger is { } opened)
                return opened;
            var ledger = UsageLedger.Open(LedgerDirectory(config.Current.Options.Storage.Path));
            var snapshot = LedgerSnapshot.Load(ledger.Directory);
            var (replayed, corrupt, until) = Replay(ledger, book, snapshot);
            Snapshot(book, until).Save(ledger.Directory);
            BudgetsLog.LedgerOpened(logger, ledger.Directory, replayed, snapshot?.UntilAddress ?? 0, corrupt, snapshot is not null);
            _commitLoop = Task.Run(() => ledger.RunCommitLoopAsync(TimeSpan.FromMilliseconds(budgets.Current.Accounting.CommitIntervalMs), _stopping.Token));
            _ledger = ledger;
            return ledger;
        }
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
