using LlmGateway.Tests.Infrastructure;

namespace LlmGateway.Tests.Caching;

/// <summary>A cache whose checkpoint is corrupt at start: the gateway starts, says the cache starts over, and caches again.</summary>
public sealed class CacheStartupFaultTests
{
    [Fact]
    public async Task A_corrupt_checkpoint_starts_an_empty_cache_with_a_log_line_and_the_cache_works_again()
    {
        var storage = GatewayHost.NewStoragePath();
        await using (var first = await CacheTestHost.StartAsync(storage: storage))
        {
            Assert.Equal("MISS", CacheTestHost.XCache(await first.AskAsync(CacheTestHost.Chat("what is a checkpoint"))));
            Assert.Equal("HIT", CacheTestHost.XCache(await first.AskAsync(CacheTestHost.Chat("what is a checkpoint"))));
            Assert.DoesNotContain(first.Gateway.Logs.Lines, l => l.Contains("[5250]"));
        }
        await using (var intact = await CacheTestHost.StartAsync(storage: storage))
        {
            Assert.DoesNotContain(intact.Gateway.Logs.Lines, l => l.Contains("[5250]")); // a normal restart recovers its checkpoint
            Assert.Equal("HIT", CacheTestHost.XCache(await intact.AskAsync(CacheTestHost.Chat("what is a checkpoint"))));
        }
        var checkpoints = Directory.GetFiles(Path.Combine(storage, "cache", "checkpoints"), "*", SearchOption.AllDirectories);
        Assert.NotEmpty(checkpoints);
        foreach (var file in checkpoints)
            await File.WriteAllBytesAsync(file, Enumerable.Repeat((byte)0x5A, (int)new FileInfo(file).Length).ToArray());

        await using var second = await CacheTestHost.StartAsync(storage: storage);

        Assert.Single(second.Gateway.Logs.Lines, l => l.Contains("[5250]"));
        Assert.Equal("MISS", CacheTestHost.XCache(await second.AskAsync(CacheTestHost.Chat("what is a checkpoint"))));
        Assert.Equal("HIT", CacheTestHost.XCache(await second.AskAsync(CacheTestHost.Chat("what is a checkpoint"))));
    }
}
