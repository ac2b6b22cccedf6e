using FASTER.core;

namespace LlmGateway.Tests.Infrastructure;

/// <summary>
/// Storage faults on demand, as FASTER's own tests inject them (<c>SimulatedFlakyDevice</c>): every device it wraps
/// fails its writes with <see cref="ErrorCode"/> while <see cref="FailWrites"/> is set, and works again when it is cleared;
/// after <see cref="HoldReads"/> its reads wait (a disk that does not answer) until <see cref="ReleaseReads"/>.
/// </summary>
public sealed class FaultSwitch
{
    /// <summary>EIO. FASTER's file device reports an <c>IOException</c>'s errno this way (<c>HResult &amp; 0xFFFF</c>: ENOSPC 28, EROFS 30), anything else as <see cref="uint.MaxValue"/>.</summary>
    public const uint Eio = 5;
    public const uint Enospc = 28;
    public const uint Erofs = 30;
    public const uint Unmapped = uint.MaxValue;

    private volatile bool _failWrites;
    private readonly List<Action> _heldReads = [];
    private bool _holdingReads;

    public uint ErrorCode { get; init; } = Eio;

    public bool FailWrites
    {
        get => _failWrites;
        set => _failWrites = value;
    }

    /// <summary>Reads waiting for <see cref="ReleaseReads"/>.</summary>
    public int HeldReads
    {
        get { lock (_heldReads) return _heldReads.Count; }
    }

    public void HoldReads()
    {
        lock (_heldReads) _holdingReads = true;
    }

    /// <summary>Carries out the held reads, and lets later ones through.</summary>
    public void ReleaseReads()
    {
        List<Action> held;
        lock (_heldReads)
        {
            _holdingReads = false;
            held = [.. _heldReads];
            _heldReads.Clear();
        }
        foreach (var read in held)
            read();
    }

    public IDevice Wrap(IDevice device) => new FlakyDevice(device, this);

    private bool TryHold(Action read)
    {
        lock (_heldReads)
        {
            if (_holdingReads)
                _heldReads.Add(read);
            return _holdingReads;
        }
    }

    private sealed class FlakyDevice(IDevice underlying, FaultSwitch faults) : StorageDeviceBase(underlying.FileName, underlying.SectorSize, underlying.Capacity)
    {
        public override void Initialize(long segmentSize, LightEpoch? epoch = null, bool omitSegmentIdFromFilename = false)
        {
            base.Initialize(segmentSize, epoch, omitSegmentIdFromFilename);
            underlying.Initialize(segmentSize, epoch, omitSegmentIdFromFilename);
        }

        public override void WriteAsync(IntPtr sourceAddress, int segmentId, ulong destinationAddress, uint numBytesToWrite, DeviceIOCompletionCallback callback, object context)
        {
            if (faults.FailWrites)
                callback(faults.ErrorCode, 0, context);
            else
                underlying.WriteAsync(sourceAddress, segmentId, destinationAddress, numBytesToWrite, callback, context);
        }

        public override void ReadAsync(int segmentId, ulong sourceAddress, IntPtr destinationAddress, uint readLength, DeviceIOCompletionCallback callback, object context)
        {
            void Read() => underlying.ReadAsync(segmentId, sourceAddress, destinationAddress, readLength, callback, context);
            if (!faults.TryHold(Read))
                Read();
        }

        public override void RemoveSegmentAsync(int segment, AsyncCallback callback, IAsyncResult result) =>
            underlying.RemoveSegmentAsync(segment, callback, result);

        public override void Dispose() => underlying.Dispose();
    }
}
