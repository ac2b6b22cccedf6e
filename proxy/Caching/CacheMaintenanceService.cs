using Microsoft.Extensions.Options;

namespace LlmGateway.Caching;

/// <summary>
/// Opens the cache at startup (so a store that cannot open fails startup, and readiness means "open"),
/// commits every <see cref="CacheOptions.CommitInterval"/>, snapshots the vector index every few
/// minutes, sweeps expired entries, and at shutdown indexes what is queued, then commits with a snapshot.
/// </summary>
internal sealed class CacheMaintenanceService(IServiceProvider services, IOptions<CacheOptions> options, TimeProvider time, ILogger<CacheMaintenanceService> logger)
    : BackgroundService
{
    private static readonly TimeSpan SnapshotEvery = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan SweepEvery = TimeSpan.FromMinutes(1);
    private SemanticCache? _cache;

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        _cache = services.GetRequiredService<SemanticCache>();
        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var cache = _cache!;
        using var timer = new PeriodicTimer(options.Value.CommitInterval, time);
        var lastSnapshot = time.GetTimestamp();
        var lastSweep = time.GetTimestamp();
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    if (cache.Fault is null && time.GetElapsedTime(lastSweep) >= SweepEvery)
                    {
                        cache.RemoveExpired();
                        lastSweep = time.GetTimestamp();
                    }
                    // Storage errors are the cache's fault episodes (logged once each); a reopen is tried every tick while failing.
                    var snapshot = time.GetElapsedTime(lastSnapshot) >= SnapshotEvery;
                    if (await cache.CommitOrRecoverAsync(snapshot, stoppingToken) && snapshot)
                        lastSnapshot = time.GetTimestamp();
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    CacheLog.CommitFailed(logger, ex);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        if (_cache is null)
            return;
        if (_cache.Fault is { } fault)
        {
            CacheLog.CloseAbandoned(logger, $"storage failing since {fault.Since.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ} ({fault.Error})");
            return;
        }
        try
        {
            // Answers stored just before shutdown reach the index (and the snapshot) unless the timeout passes first.
            await _cache.DrainIndexingAsync(cancellationToken);
            // Bounded by the host's shutdown timeout: a checkpoint on failing storage may never finish.
            await _cache.CommitAsync(snapshot: true, cancellationToken).WaitAsync(cancellationToken);
        }
        catch (Exception ex)
        {
            CacheLog.CloseAbandoned(logger, ex is OperationCanceledException ? "the shutdown timeout passed" : ex.GetBaseException().Message);
        }
    }
}
