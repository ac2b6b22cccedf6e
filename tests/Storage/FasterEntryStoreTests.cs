using System.Text;
using LlmGateway.Storage;

namespace LlmGateway.Tests.Storage;

public sealed class FasterEntryStoreTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "llmgw-faster-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        try { Directory.Delete(_folder, recursive: true); } catch (IOException) { }
    }

    private static byte[] B(string s) => Encoding.UTF8.GetBytes(s);

    [Fact]
    public async Task Checkpointed_entries_survive_reopen_and_deletes_stay_deleted()
    {
        using (var store = new FasterEntryStore(_folder, 32 << 20, 1 << 20))
        {
            store.Upsert(B("a"), B("alpha"));
            store.Upsert(B("b"), B("beta"));
            store.Upsert(B("a"), B("alpha-2"));
            store.Delete(B("b"));
            await store.CheckpointAsync(default);
        }
        using var reopened = new FasterEntryStore(_folder, 32 << 20, 1 << 20);

        Assert.Equal("alpha-2", Encoding.UTF8.GetString(reopened.Read(B("a"))!));
        Assert.Null(reopened.Read(B("b")));
        Assert.Equal(["a"], reopened.Scan().Select(r => Encoding.UTF8.GetString(r.Key)));
    }

    [Fact]
    public async Task Writes_after_the_last_checkpoint_are_lost_on_a_crash_and_earlier_ones_are_not()
    {
        var crashed = new FasterEntryStore(_folder, 32 << 20, 1 << 20);
        crashed.Upsert(B("kept"), B("1"));
        await crashed.CheckpointAsync(default);
        crashed.Upsert(B("lost"), B("2"));
        // No dispose and no checkpoint: as if the process died here. The files are opened again below.

        using var recovered = new FasterEntryStore(_folder, 32 << 20, 1 << 20);

        Assert.Equal("1", Encoding.UTF8.GetString(recovered.Read(B("kept"))!));
        Assert.Null(recovered.Read(B("lost")));
        GC.KeepAlive(crashed);
    }

    [Fact]
    public void Large_values_round_trip()
    {
        using var store = new FasterEntryStore(_folder, 32 << 20, 1 << 20);
        var big = new byte[900_000];
        new Random(1).NextBytes(big);
        store.Upsert(B("big"), big);
        Assert.Equal(big, store.Read(B("big")));
    }
}
