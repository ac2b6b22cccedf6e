using System.Runtime.InteropServices;

namespace LlmGateway.Embeddings.Onnx;

/// <summary>
/// Owns one long-lived ONNX Runtime object (env, session options, session, memory info) and releases it with
/// the matching <c>Release*</c> function exactly once, even if the owner is never disposed (finalizer) or a
/// run is still using it (<see cref="SafeHandle.DangerousAddRef"/>).
/// </summary>
internal sealed class OrtObjectHandle : SafeHandle
{
    private readonly Action<nint> _release;

    public OrtObjectHandle(nint handle, Action<nint> release)
        : base(0, ownsHandle: true)
    {
        _release = release;
        SetHandle(handle);
    }

    public override bool IsInvalid => handle == 0;

    protected override bool ReleaseHandle()
    {
        _release(handle);
        return true;
    }
}
