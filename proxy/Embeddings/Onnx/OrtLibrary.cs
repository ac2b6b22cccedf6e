using System.Runtime.InteropServices;

namespace LlmGateway.Embeddings.Onnx;

/// <summary>
/// The loaded ONNX Runtime native library and its function table. The library stays loaded for the life of
/// the process (unloading ONNX Runtime while its thread pools exist is unsafe); objects created through
/// <see cref="Api"/> are released by their owners.
/// </summary>
internal sealed unsafe class OrtLibrary
{
    /// <summary>API version requested from <c>OrtGetApiBase()->GetApi</c>: ONNX Runtime 1.22.</summary>
    internal const uint ApiVersion = 22;

    private OrtLibrary(string path, OrtApi api, string version)
    {
        Path = path;
        Api = api;
        Version = version;
    }

    public string Path { get; }

    public OrtApi Api { get; }

    /// <summary>The runtime's own version string, e.g. "1.22.0".</summary>
    public string Version { get; }

    /// <summary>Loads the library at <paramref name="path"/> and checks that its function table is the one this binding expects.</summary>
    public static OrtLibrary Load(string path)
    {
        nint handle;
        try
        {
            handle = NativeLibrary.Load(path);
        }
        catch (Exception ex) when (ex is DllNotFoundException or BadImageFormatException)
        {
            throw new EmbeddingModelLoadException(
                $"The ONNX Runtime native library at '{path}' could not be loaded ({ex.Message}). " +
                $"Run {OrtNativeLibraryLocator.SetupCommand} to fetch onnxruntime-node@1.22.0's libonnxruntime.so.1, " +
                "or set Gateway:Embeddings:NativeLibraryPath to a working copy.", ex);
        }

        if (!NativeLibrary.TryGetExport(handle, "OrtGetApiBase", out var getApiBase))
        {
            throw new EmbeddingModelLoadException(
                $"'{path}' is not ONNX Runtime: it has no OrtGetApiBase export. Run {OrtNativeLibraryLocator.SetupCommand}.");
        }

        // struct OrtApiBase { const OrtApi* (*GetApi)(uint32_t version); const char* (*GetVersionString)(void); }
        var apiBase = ((delegate* unmanaged<nint*>)getApiBase)();
        var getApi = (delegate* unmanaged<uint, nint>)apiBase[0];
        var getVersion = (delegate* unmanaged<nint>)apiBase[1];
        var version = Marshal.PtrToStringUTF8(getVersion()) ?? "unknown";
        var table = getApi(ApiVersion);
        if (table == 0)
        {
            throw new EmbeddingModelLoadException(
                $"The ONNX Runtime library at '{path}' is version {version}, which does not provide C API version {ApiVersion} " +
                $"(ONNX Runtime 1.22 or later is needed). Run {OrtNativeLibraryLocator.SetupCommand}.");
        }

        var api = new OrtApi(table);
        SelfTest(api, path);
        return new OrtLibrary(path, api, version);
    }

    /// <summary>
    /// Round-trips a status through CreateStatus, GetErrorCode, GetErrorMessage and ReleaseStatus: if the table's
    /// first entries were not where this binding expects them, this fails here instead of crashing later.
    /// </summary>
    private static void SelfTest(OrtApi api, string path)
    {
        var probe = "llmgateway-probe"u8;
        byte* message = stackalloc byte[probe.Length + 1];
        probe.CopyTo(new Span<byte>(message, probe.Length));
        message[probe.Length] = 0;
        var status = api.CreateStatus((int)OrtErrorCode.InvalidProtobuf, message);
        try
        {
            if (status == 0 || api.GetErrorCode(status) != (int)OrtErrorCode.InvalidProtobuf ||
                api.GetErrorMessage(status) != "llmgateway-probe")
            {
                throw new EmbeddingModelLoadException($"The ONNX Runtime library at '{path}' has an unexpected C API function table.");
            }
        }
        finally
        {
            api.ReleaseStatus(status);
        }
    }
}
