using System.Diagnostics.Metrics;
using LlmGateway.Budgets;
using LlmGateway.Budgets.Ledger;
using LlmGateway.Caching;
using Npgsql;
using NpgsqlTypes;

namespace LlmGateway.Storage.Postgres;

/// <summary>
/// The ledger in PostgreSQL: usage records are appended to <c>usage_records</c> in groups, one INSERT per
/// <c>CommitIntervalMs</c> for every record settled meanwhile (as <see cref="LedgerKeeper"/> groups FasterLog commits).
/// A record is acknowledged (<see cref="LedgerEntry.Durable"/>) once the INSERT's transaction committed. Each record
/// carries its own id with a unique constraint, so a batch whose commit acknowledgement was lost can be written again
/// without doubling it. While the database is down every record stays here (held, up to <c>MaxUnrecordedRecords</c>),
/// <c>/readyz</c> is unready and billed requests are refused (<c>OnLedgerFailure = Refuse</c>); every <c>LedgerRetryMs</c>
/// the batch is tried again. Also sweeps expired budget reservations once a minute.
/// </summary>
internal sealed class PostgresLedger : ILedgerStore, IHostedService, IDisposable
{
    private const int MaxBatch = 4096;
    private static readonly TimeSpan SweepInterval = TimeSpan.FromMinutes(1);

    private readonly PostgresDatabase _database;
    private readonly PostgresBudgetStore _budgets;
    private readonly BudgetsConfigProvider _config;
    private readonly TimeProvider _time;
    private readonly ILogger<PostgresLedger> _logger;
    private readonly Lock _lock = new();
    private readonly List<(LedgerEntry Entry, Guid Id)> _pending = [];
    private readonly CancellationTokenSource _stopping = new();
    private Task _loop = Task.CompletedTask;
    private bool _lossLogged;
    private long _lost;
    private int _disposed;

    public PostgresLedger(PostgresDatabase database, PostgresBudgetStore budgets, BudgetsConfigProvider config, TimeProvider time, ILogger<PostgresLedger> logger, IMeterFactory meters)
    {
        _database = database;
        _budgets = budgets;
        _config = config;
        _time = time;
        _logger = logger;
        PostgresMetrics.ObserveLedger(meters, this);
    }

    public LedgerFault? Fault => _database.Fault;

    public int Unrecorded
    {
        get
        {
            lock (_lock)
                return _pending.Count;
        }
    }

    public long Lost => Interlocked.Read(ref _lost);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await _database.StartAsync(cancellationToken);
        _loop = Task.Run(() => RunAsync(_stopping.Token), CancellationToken.None);
    }

    public LedgerEntry? Append(UsageRecord record)
    {
        lock (_lock)
        {
            if (Fault is not null && _pending.Count >= _config.Current.Accounting.MaxUnrecordedRecords)
            {
                Interlocked.Increment(ref _lost);
                if (!_lossLogged)
                    PostgresLog.RecordsLost(_logger, 1, _database.Server, "the database is failing and Gateway:Accounting:MaxUnrecordedRecords are held already (further losses are only counted)");
                _lossLogged = true;
                return null;
            }
            var entry = new LedgerEntry(record);
            _pending.Add((entry, Guid.CreateVersion7()));
            if (Fault is not null)
                entry.Held();
            return entry;
        }
    }

    private async Task RunAsync(CancellationToken stopping)
    {
        var nextSweep = _time.GetUtcNow();
        try
        {
            while (true)
            {
                var accounting = _config.Current.Accounting;
                await Task.Delay(TimeSpan.FromMilliseconds(Fault is null ? accounting.CommitIntervalMs : accounting.LedgerRetryMs), stopping);
                await FlushAsync(stopping);
                if (Fault is null && _time.GetUtcNow() >= nextSweep)
                {
                    nextSweep = _time.GetUtcNow() + SweepInterval;
                    await SweepAsync(stopping);
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
    }

    /// <summary>Writes what is pending, batch after batch; on a fault holds everything and returns (the loop retries).</summary>
    private async Task FlushAsync(CancellationToken cancellationToken)
    {
        var recovering = Fault is not null;
        var flushed = 0;
        while (true)
        {
            List<(LedgerEntry Entry, Guid Id)> batch;
            lock (_lock)
                batch = _pending.Take(MaxBatch).ToList();
            try
            {
                if (batch.Count == 0)
                {
                    if (recovering)
                        await ProbeAsync(cancellationToken);
                }
                else
                    await InsertAsync(batch, cancellationToken);
                if (recovering && !_budgets.RetryUnsettled())
                    throw new NpgsqlException("settlements held during the outage could not be applied yet");
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                EnterFault(ex);
                return;
            }
            lock (_lock)
                _pending.RemoveRange(0, batch.Count);
            foreach (var (entry, _) in batch)
                entry.Committed();
            flushed += batch.Count;
            if (recovering)
            {
                recovering = false;
                _database.Recovered();
                _lossLogged = false;
                PostgresLog.Recovered(_logger, _database.Server, flushed);
            }
            if (batch.Count < MaxBatch)
                return;
        }
    }

    private void EnterFault(Exception ex)
    {
        if (_database.Failed(ex))
        {
            var policy = _config.Current.Accounting.OnLedgerFailure;
            PostgresLog.Faulted(_logger, _database.Server, $"Gateway:Accounting:OnLedgerFailure = {policy}",
                policy == LedgerFailurePolicy.Refuse ? "refused with 503" : "served", ex.GetBaseException().Message);
        }
        lock (_lock)
            foreach (var (entry, _) in _pending)
                entry.Held();
    }

    private async Task InsertAsync(List<(LedgerEntry Entry, Guid Id)> batch, CancellationToken cancellationToken)
    {
        await using var connection = await _database.DataSource.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand("""
            INSERT INTO usage_records (record_id, time, team, key_id, model, provider, prompt_tokens, cached_prompt_tokens, completion_tokens,
                cost_usd, saved_usd, cache_result, estimated, request_id)
            SELECT * FROM unnest($1::uuid[], $2::timestamptz[], $3::text[], $4::text[], $5::text[], $6::text[], $7::bigint[], $8::bigint[], $9::bigint[],
                $10::numeric[], $11::numeric[], $12::text[], $13::boolean[], $14::text[])
            ON CONFLICT (record_id) DO NOTHING
            """, connection);
        var records = batch.Select(b => b.Entry.Record).ToList();
        command.Parameters.Add(new NpgsqlParameter { Value = batch.Select(b => b.Id).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = records.Select(r => r.Time.UtcDateTime).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new NpgsqlParameter { Value = records.Select(r => r.Team).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = records.Select(r => r.KeyId).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = records.Select(r => r.Model).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = records.Select(r => r.Provider).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = records.Select(r => r.PromptTokens).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = records.Select(r => r.CachedPromptTokens).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = records.Select(r => r.CompletionTokens).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = records.Select(r => r.CostUsd).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = records.Select(r => r.SavedUsd).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = records.Select(r => CacheResultName(r.CacheResult)).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = records.Select(r => r.Estimated).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = records.Select(r => r.RequestId).ToArray() });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private async Task ProbeAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _database.DataSource.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand("SELECT 1", connection);
        await command.ExecuteScalarAsync(cancellationToken);
    }

    private async Task SweepAsync(CancellationToken cancellationToken)
    {
        try
        {
            var expired = await _budgets.ExpireAsync(cancellationToken);
            if (expired > 0)
                PostgresLog.ReservationsExpired(_logger, expired);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            PostgresLog.SweepFailed(_logger, ex.GetBaseException().Message);
        }
    }

    public static string CacheResultName(CacheResult result) => result switch
    {
        CacheResult.Hit => "hit",
        CacheResult.Miss => "miss",
        _ => "bypass",
    };

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        try
        {
            await _loop.WaitAsync(cancellationToken);
            // Whatever settled since the last group write; a database still down gets one more try.
            await FlushAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
        }
        var lost = Unrecorded;
        if (lost > 0)
        {
            Interlocked.Add(ref _lost, lost);
            PostgresLog.RecordsLost(_logger, lost, _database.Server, "the database had not returned when the gateway stopped");
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
            return;
        _stopping.Cancel();
        _stopping.Dispose();
    }
}
