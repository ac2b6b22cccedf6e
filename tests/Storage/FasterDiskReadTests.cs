using LlmGateway.Storage;
using LlmGateway.Tests.Infrastructure;

namespace LlmGateway.Tests.Storage;

/// <summary>
/// A record that has left FASTER's memory is read from disk. On the request path that read is awaited: the caller's
/// thread is not held while the disk answers (on Linux completing the read itself needs a pool thread).
/// </summary>
public sealed class FasterDiskReadTests : IDisposable
{
    private const int ValueBytes = 256 * 1024;
    private readonly string _folder = TestTemp.NewPath("faster-disk-read");

    public void Dispose()
    {
        try { Directory.Delete(_folder, recursive: true); } catch (IOException) { }
    }

    [Fact]
    public async Task A_read_from_disk_returns_a_waiting_task_at_once_and_completes_when_the_disk_answers()
    {
        var disk = new FaultSwitch();
        // 16 MiB of memory (FASTER's floor for 4 MiB pages) and 48 MiB written: the first records live only on disk.
        using var store = new FasterEntryStore(_folder, 16L << 20, ValueBytes, wrapDevice: disk.Wrap);
        for (var i = 0; i < 192; i++)
            store.Upsert(Key(i), Value(i));

        disk.HoldReads();
        var issued = Task.Run(() => store.ReadAsync(Key(0)));
        var returned = await Eventually.ReadAsync(() => Task.FromResult(issued.IsCompleted), done => done);
        if (!returned)
            disk.ReleaseReads(); // lets the blocked caller finish, so that the store can close
        Assert.True(returned, "a read from disk blocked its caller until the disk answered");
        var read = await issued;
        Assert.False(read.IsCompleted, "the first record should still be on its way from the held disk");
        Assert.True(disk.HeldReads > 0, "the read never reached the disk: the test wrote too little to push it out of memory");

        disk.ReleaseReads();
        Assert.Equal(Value(0), await read.AsTask().WaitAsync(Eventually.Deadline));
        // A record still in memory completes at once, and the synchronous read sees the same bytes.
        Assert.True(store.ReadAsync(Key(191)).IsCompleted);
        Assert.Equal(Value(1), store.Read(Key(1)));
        Assert.Null(await store.ReadAsync(Key(999)));
    }

    private static byte[] Key(int i) => BitConverter.GetBytes(i);

    private static byte[] Value(int i)
    {
        var value = new byte[ValueBytes];
        new Random(i).NextBytes(value);
        return value;
    }
}
