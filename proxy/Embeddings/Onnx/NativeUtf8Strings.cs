using System.Runtime.InteropServices;
using System.Text;

namespace LlmGateway.Embeddings.Onnx;

/// <summary>
/// An array of null-terminated UTF-8 strings in native memory (the <c>const char* const*</c> ONNX Runtime's
/// Run takes). A SafeHandle so a run in progress keeps it alive across a concurrent dispose.
/// </summary>
internal sealed unsafe class NativeUtf8Strings : SafeHandle
{
    public NativeUtf8Strings(IReadOnlyList<string> values)
        : base(0, ownsHandle: true)
    {
        var encoded = values.Select(v => Encoding.UTF8.GetBytes(v + "\0")).ToArray();
        var pointerBytes = values.Count * sizeof(nint);
        var block = (byte*)NativeMemory.Alloc((nuint)(pointerBytes + encoded.Sum(e => e.Length)));
        var pointers = (nint*)block;
        var cursor = block + pointerBytes;
        for (var i = 0; i < encoded.Length; i++)
        {
            encoded[i].CopyTo(new Span<byte>(cursor, encoded[i].Length));
            pointers[i] = (nint)cursor;
            cursor += encoded[i].Length;
        }

        SetHandle((nint)block);
    }

    public override bool IsInvalid => handle == 0;

    /// <summary>The string pointer array; only valid while the handle is alive (hold a ref across native calls).</summary>
    public nint* Pointers => (nint*)handle;

    protected override bool ReleaseHandle()
    {
        NativeMemory.Free((void*)handle);
        return true;
    }
}
