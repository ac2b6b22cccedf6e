using System.Net;
using System.Text.RegularExpressions;
using LlmGateway.Caching;
using LlmGateway.Tests.Infrastructure;
using LlmGateway.Tests.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace LlmGateway.Tests.Caching;

/// <summary>The cache's store fails under a running gateway (a device that fails its writes on demand): the cache becomes a bypass, health says so, and it serves hits again when storage returns.</summary>
public sealed class CacheFaultTests
{
    [Fact]
    public async Task While_the_cache_store_fails_requests_bypass_it_readyz_names_the_cache_and_hits_return_after_recovery()
    {
        var faults = new FaultSwitch();
        // Fake time: the maintenance loop never ticks on its own; the test commits and recovers explicitly.
        var clock = new FakeTimeProvider(DateTimeOffset.Parse("2026-11-20T10:00:00Z"));
        await using var host = await CacheTestHost.StartAsync(s => s["Gateway:Cache:CommitTimeout"] = "00:00:05",
            builder => { GatewayHost.WithClock(clock)(builder); builder.Services.AddSingleton(new CacheDeviceHook(faults.Wrap)); });
        var cache = host.Cache;
        Assert.Equal("MISS", CacheTestHost.XCache(await host.AskAsync(CacheTestHost.Chat("before the fault"))));
        Assert.True(await cache.CommitOrRecoverAsync(snapshot: true, CancellationToken.None));

        faults.FailWrites = true;
        Assert.Equal("MISS", CacheTestHost.XCache(await host.AskAsync(CacheTestHost.Chat("stored in memory, never durable"))));
        Assert.False(await cache.CommitOrRecoverAsync(snapshot: false, CancellationToken.None));
        Assert.NotNull(cache.Fault);

        var ready = await Readiness.WaitForAsync(host.Gateway, HttpStatusCode.ServiceUnavailable);
        Assert.Contains("cache: Unhealthy", ready);
        Assert.Contains(cache.Folder, ready);
        var upstreamCalls = host.Upstream.Requests.Count;
        using (var bypassed = await host.AskAsync(CacheTestHost.Chat("before the fault")))
        {
            Assert.Equal(HttpStatusCode.OK, bypassed.StatusCode);
            Assert.Equal("BYPASS", CacheTestHost.XCache(bypassed));
        }
        using (var fresh = await host.AskAsync(CacheTestHost.Chat("asked during the fault")))
        {
            Assert.Equal(HttpStatusCode.OK, fresh.StatusCode);
            Assert.Equal("BYPASS", CacheTestHost.XCache(fresh));
        }
        Assert.Equal(upstreamCalls + 2, host.Upstream.Requests.Count);
        // Still failing: a reopen cannot prove writes work, so the episode goes on (and is not logged again).
        Assert.False(await cache.CommitOrRecoverAsync(snapshot: false, CancellationToken.None));
        var metrics = await MetricsScrape.TextAsync(host.Gateway);
        Assert.Matches(new Regex(@"^llm_gateway_cache_lookups_bypassed_total(\{[^}]*\})? 2$", RegexOptions.Multiline), metrics);
        Assert.Matches(new Regex(@"^llm_gateway_cache_not_stored_total\{[^}]*reason=""storage_fault""[^}]*\} 2$", RegexOptions.Multiline), metrics);
        Assert.Matches(new Regex(@"^llm_gateway_cache_faulted(\{[^}]*\})? 1$", RegexOptions.Multiline), metrics);

        faults.FailWrites = false;
        Assert.True(await cache.CommitOrRecoverAsync(snapshot: false, CancellationToken.None));
        Assert.Null(cache.Fault);
        Assert.Equal("Healthy", await Readiness.WaitForAsync(host.Gateway, HttpStatusCode.OK));
        // What was committed before the fault is served again; what was asked during it is stored and hit now.
        Assert.Equal("HIT", CacheTestHost.XCache(await host.AskAsync(CacheTestHost.Chat("before the fault"))));
        Assert.Equal("MISS", CacheTestHost.XCache(await host.AskAsync(CacheTestHost.Chat("asked during the fault"))));
        Assert.Equal("HIT", CacheTestHost.XCache(await host.AskAsync(CacheTestHost.Chat("asked during the fault"))));
        Assert.True(await cache.CommitOrRecoverAsync(snapshot: false, CancellationToken.None));
        Assert.Single(host.Gateway.Logs.Lines, l => l.Contains("[5009]"));
        Assert.Single(host.Gateway.Logs.Lines, l => l.Contains("[5010]"));
        Assert.Matches(new Regex(@"^llm_gateway_cache_faulted(\{[^}]*\})? 0$", RegexOptions.Multiline), await MetricsScrape.TextAsync(host.Gateway));
    }

    [Fact]
    public async Task The_maintenance_loop_notices_the_fault_and_reopens_the_store_when_storage_returns()
    {
        var faults = new FaultSwitch();
        var clock = new FakeTimeProvider(DateTimeOffset.Parse("2026-11-20T10:00:00Z"));
        await using var host = await CacheTestHost.StartAsync(s => s["Gateway:Cache:CommitTimeout"] = "00:00:05",
            builder => { GatewayHost.WithClock(clock)(builder); builder.Services.AddSingleton(new CacheDeviceHook(faults.Wrap)); });
        faults.FailWrites = true;
        Assert.Equal("MISS", CacheTestHost.XCache(await host.AskAsync(CacheTestHost.Chat("written while failing"))));
        Assert.Contains("cache: Unhealthy", await TickUntilReadyIsAsync(host, clock, HttpStatusCode.ServiceUnavailable));
        Assert.Equal("BYPASS", CacheTestHost.XCache(await host.AskAsync(CacheTestHost.Chat("written while failing"))));

        faults.FailWrites = false;
        Assert.Equal("Healthy", await TickUntilReadyIsAsync(host, clock, HttpStatusCode.OK));
        Assert.Equal("MISS", CacheTestHost.XCache(await host.AskAsync(CacheTestHost.Chat("after recovery"))));
        Assert.Equal("HIT", CacheTestHost.XCache(await host.AskAsync(CacheTestHost.Chat("after recovery"))));
    }

    [Fact]
    public async Task Removing_the_cache_folder_is_a_fault_episode_until_the_same_folder_returns()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.Parse("2026-11-20T10:00:00Z"));
        await using var host = await CacheTestHost.StartAsync(s => s["Gateway:Cache:CommitTimeout"] = "00:00:05", GatewayHost.WithClock(clock));
        var cache = host.Cache;
        Assert.Equal("MISS", CacheTestHost.XCache(await host.AskAsync(CacheTestHost.Chat("before the rm"))));
        Assert.True(await cache.CommitOrRecoverAsync(snapshot: true, CancellationToken.None));
        var folder = Path.Combine(host.Storage, "cache");
        var backup = Path.Combine(host.Storage, "cache-backup");
        CopyWithoutLock(folder, backup);

        Directory.Delete(folder, recursive: true);

        // FASTER's checkpoint recreates the folder and "succeeds"; the missing marker makes it a fault.
        Assert.False(await cache.CommitOrRecoverAsync(snapshot: false, CancellationToken.None));
        var ready = await Readiness.WaitForAsync(host.Gateway, HttpStatusCode.ServiceUnavailable);
        Assert.Contains("cache: Unhealthy", ready);
        Assert.Contains("removed or replaced", ready);
        Assert.Single(host.Gateway.Logs.Lines, l => l.Contains("[5009]") && l.Contains("removed or replaced"));
        Assert.Equal("BYPASS", CacheTestHost.XCache(await host.AskAsync(CacheTestHost.Chat("before the rm"))));
        // A reopen finds a folder without the marker (or none) and keeps the bypass.
        Assert.False(await cache.CommitOrRecoverAsync(snapshot: false, CancellationToken.None));

        if (Directory.Exists(folder))
            Directory.Delete(folder, recursive: true);
        CopyWithoutLock(backup, folder);
        Assert.True(await cache.CommitOrRecoverAsync(snapshot: false, CancellationToken.None));
        Assert.Single(host.Gateway.Logs.Lines, l => l.Contains("[5010]"));
        Assert.Equal("HIT", CacheTestHost.XCache(await host.AskAsync(CacheTestHost.Chat("before the rm"))));
    }

    /// <summary>A backup an operator would restore (LOCK is held by the running gateway and holds nothing).</summary>
    private static void CopyWithoutLock(string from, string to)
    {
        foreach (var file in Directory.GetFiles(from, "*", SearchOption.AllDirectories).Where(f => Path.GetFileName(f) != "LOCK"))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    /// <summary>Advances fake time by one commit interval at a time (the loop's tick) until /readyz answers <paramref name="expected"/>.</summary>
    private static Task<string> TickUntilReadyIsAsync(CacheTestHost host, FakeTimeProvider clock, HttpStatusCode expected) =>
        Readiness.WaitForAsync(host.Gateway.Url, expected, () => clock.Advance(TimeSpan.FromSeconds(5)));
}
