using FASTER.core;
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
        var disk = new HeldReads();
        // 16 MiB of memory (FASTER's floor for 4 MiB pages) and 48 MiB written: the first records live only on disk.
        using var store = new FasterEntryStore(_folder, 16L << 20, ValueBytes, wrapDevice: disk.Wrap);
        for (var i = 0; i < 192; i++)
            store.Upsert(Key(i), Value(i));

        disk.Hold();
        var issued = Task.Run(() => store.ReadAsync(Key(0)));
        var returned = await Eventually.ReadAsync(() => Task.FromResult(issued.IsCompleted), done => done);
        if (!returned)
            disk.Release(); // lets the blocked caller finish, so that the store can close
        Assert.True(returned, "a read from disk blocked its caller until the disk answered");
        var read = await issued;
        Assert.False(read.IsCompleted, "the first record should still be on its way from the held disk");
        Assert.True(disk.HeldCount > 0, "the read never reached the disk: the test wrote too little to push it out of memory");

        disk.Release();
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

    /// <summary>A disk whose reads wait, while held, until released; writes go through.</summary>
    private sealed class HeldReads
    {
        private readonly List<Action> _held = [];
        private bool _holding;

        public int HeldCount
        {
            get { lock (_held) return _held.Count; }
        }

        public IDevice Wrap(IDevice device) => new Device(device, this);

        public void Hold()
        {
            lock (_held) _holding = true;
        }

        public void Release()
        {
            List<Action> held;
            lock (_held)
            {
                _holding = false;
                held = [.. _held];
            }
            foreach (var read in held)
                read();
        }

        private bool TryHold(Action read)
        {
            lock (_held)
            {
                if (_holding)
                    _held.Add(read);
                return _holding;
            }
        }

        private sealed class Device(IDevice underlying, HeldReads reads) : StorageDeviceBase(underlying.FileName, underlying.SectorSize, underlying.Capacity)
        {
            public override void Initialize(long segmentSize, LightEpoch? epoch = null, bool omitSegmentIdFromFilename = false)
            {
                base.Initialize(segmentSize, epoch, omitSegmentIdFromFilename);
                underlying.Initialize(segmentSize, epoch, omitSegmentIdFromFilename);
            }

            public override void WriteAsync(IntPtr sourceAddress, int segmentId, ulong destinationAddress, uint numBytesToWrite, DeviceIOCompletionCallback callback, object context) =>
                underlying.WriteAsync(sourceAddress, segmentId, destinationAddress, numBytesToWrite, callback, context);

            public override void ReadAsync(int segmentId, ulong sourceAddress, IntPtr destinationAddress, uint readLength, DeviceIOCompletionCallback callback, object context)
            {
                void Read() => underlying.ReadAsync(segmentId, sourceAddress, destinationAddress, readLength, callback, context);
                if (!reads.TryHold(Read))
                    Read();
            }

            public override void RemoveSegmentAsync(int segment, AsyncCallback callback, IAsyncResult result) =>
                underlying.RemoveSegmentAsync(segment, callback, result);

            public override void Dispose() => underlying.Dispose();
        }
    }
}
