using System.Text;
using LlmGateway.Storage;
using LlmGateway.Tests.Infrastructure;

namespace LlmGateway.Tests.Storage;

public sealed class FasterEntryStoreTests : IDisposable
{
    private readonly string _folder = TestTemp.NewPath("faster");

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
        using (var crashed = new FasterEntryStore(_folder, 32 << 20, 1 << 20))
        {
            crashed.Upsert(B("kept"), B("1"));
            await crashed.CheckpointAsync(default);
            crashed.Upsert(B("lost"), B("2"));
            // Closing takes no checkpoint: what follows sees the files as a crash leaves them.
        }

        using var recovered = new FasterEntryStore(_folder, 32 << 20, 1 << 20);

        Assert.Equal("1", Encoding.UTF8.GetString(recovered.Read(B("kept"))!));
        Assert.Null(recovered.Read(B("lost")));
    }

    [Fact]
    public async Task Checkpoints_taken_while_writers_keep_writing_complete_and_keep_everything_written_before_them()
    {
        const int Writers = 4;
        // Each writer rewrites its own 4,096 keys (value: the write's number), so the log stays small however fast the
        // writers go (unique keys made millions of records, read back one by one) and every key is checked.
        const int Keys = 4096;
        var written = new int[Writers]; // per writer: how many writes it has finished
        int[] beforeLast;
        using (var store = new FasterEntryStore(_folder, 32 << 20, 1 << 20))
        {
            using var stop = new CancellationTokenSource();
            // Writers hold pooled sessions while the checkpoint polls through its version change, flush and callback.
            // Each on a thread of its own: four tight loops on pool threads left the checkpoint's continuations waiting
            // for thread injection (the first checkpoint took 19 s run alone; a full CI run sat in this test over 15 minutes).
            var writers = Enumerable.Range(0, Writers).Select(w => Task.Factory.StartNew(() =>
            {
                for (var n = 0; !stop.IsCancellationRequested; n++)
                {
                    store.Upsert(B($"k{w}-{n % Keys}"), B($"{n}"));
                    Volatile.Write(ref written[w], n + 1);
                }
            }, TaskCreationOptions.LongRunning)).ToArray();
            beforeLast = [];
            for (var i = 1; i <= 3; i++)
            {
                var target = i * 2 * Keys * Writers;
                Assert.True(await Eventually.ReadAsync(() => Enumerable.Range(0, Writers).Sum(w => Volatile.Read(ref written[w])), n => n >= target) >= target);
                beforeLast = Enumerable.Range(0, Writers).Select(w => Volatile.Read(ref written[w])).ToArray();
                await store.CheckpointAsync(default).WaitAsync(Eventually.Deadline); // bounds a hang; no duration is asserted
            }
            await stop.CancelAsync();
            await Task.WhenAll(writers);
        }
        using var reopened = new FasterEntryStore(_folder, 32 << 20, 1 << 20);

        // Every key holds its last write from before the last checkpoint started, or a later one.
        Assert.All(Enumerable.Range(0, Writers), w => Assert.All(Enumerable.Range(0, Math.Min(Keys, beforeLast[w])), key =>
        {
            var lastBefore = key + ((beforeLast[w] - 1 - key) / Keys * Keys);
            Assert.True(int.Parse(Encoding.UTF8.GetString(reopened.Read(B($"k{w}-{key}"))!), System.Globalization.CultureInfo.InvariantCulture) >= lastBefore);
        }));
    }

    [Fact]
    public void A_second_process_cannot_open_the_same_store()
    {
        using var first = new FasterEntryStore(_folder, 32 << 20, 1 << 20);
        var ex = Assert.Throws<IOException>(() => new FasterEntryStore(_folder, 32 << 20, 1 << 20));
        Assert.Contains("in use by another gateway process", ex.Message);
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

public sealed class FasterEntryStoreDeleteTests : IDisposable
{
    private readonly string _folder = TestTemp.NewPath("faster");

    public void Dispose()
    {
        try { Directory.Delete(_folder, recursive: true); } catch (IOException) { }
    }

    [Fact]
    public async Task A_delete_after_a_checkpoint_stays_deleted_after_reopen_and_a_rewrite_is_seen_once()
    {
        static byte[] B(string s) => System.Text.Encoding.UTF8.GetBytes(s);
        using (var store = new FasterEntryStore(_folder, 32 << 20, 1 << 20))
        {
            store.Upsert(B("a"), B("1"));
            store.Upsert(B("b"), B("2"));
            await store.CheckpointAsync(default);
            store.Delete(B("a"));
            store.Upsert(B("b"), B("3"));
            await store.CheckpointAsync(default);
        }
        using var reopened = new FasterEntryStore(_folder, 32 << 20, 1 << 20);

        var records = reopened.Scan().Select(r => (System.Text.Encoding.UTF8.GetString(r.Key), System.Text.Encoding.UTF8.GetString(r.Value))).ToList();
        Assert.Equal([("b", "3")], records);
        Assert.Null(reopened.Read(B("a")));
    }
}
