using System.Runtime.InteropServices;

namespace LlmGateway.Embeddings.Onnx;

/// <summary>
/// The slice of ONNX Runtime's C function table (<c>OrtApi</c> in onnxruntime_c_api.h) that the embedder uses.
/// The table is a struct of function pointers that ONNX Runtime only ever appends to, so each function is
/// called through its fixed index. Indices were counted from the header's <c>struct OrtApi</c> (version 1
/// members) and are checked at load time by <see cref="OrtLibrary"/> (CreateStatus/GetErrorCode/GetErrorMessage
/// round trip). Every pointer argument is passed as <see cref="nint"/>; strings are null-terminated UTF-8.
/// </summary>
internal sealed unsafe class OrtApi
{
    // Indices into struct OrtApi (0-based). Do not reorder: they are the C ABI.
    private const int CreateStatusIndex = 0;
    private const int GetErrorCodeIndex = 1;
    private const int GetErrorMessageIndex = 2;
    private const int CreateEnvIndex = 3;
    private const int CreateSessionIndex = 7;
    private const int RunIndex = 9;
    private const int CreateSessionOptionsIndex = 10;
    private const int SetSessionGraphOptimizationLevelIndex = 23;
    private const int SetIntraOpNumThreadsIndex = 24;
    private const int SetInterOpNumThreadsIndex = 25;
    private const int SessionGetInputCountIndex = 30;
    private const int SessionGetOutputCountIndex = 31;
    private const int SessionGetInputTypeInfoIndex = 33;
    private const int SessionGetOutputTypeInfoIndex = 34;
    private const int SessionGetInputNameIndex = 36;
    private const int SessionGetOutputNameIndex = 37;
    private const int CreateRunOptionsIndex = 39;
    private const int RunOptionsSetTerminateIndex = 46;
    private const int CreateTensorWithDataAsOrtValueIndex = 49;
    private const int GetTensorMutableDataIndex = 51;
    private const int CastTypeInfoToTensorInfoIndex = 55;
    private const int GetTensorElementTypeIndex = 60;
    private const int GetDimensionsCountIndex = 61;
    private const int GetDimensionsIndex = 62;
    private const int GetTensorTypeAndShapeIndex = 65;
    private const int CreateCpuMemoryInfoIndex = 69;
    private const int AllocatorFreeIndex = 76;
    private const int GetAllocatorWithDefaultOptionsIndex = 78;
    private const int ReleaseEnvIndex = 92;
    private const int ReleaseStatusIndex = 93;
    private const int ReleaseMemoryInfoIndex = 94;
    private const int ReleaseSessionIndex = 95;
    private const int ReleaseValueIndex = 96;
    private const int ReleaseRunOptionsIndex = 97;
    private const int ReleaseTypeInfoIndex = 98;
    private const int ReleaseTensorTypeAndShapeInfoIndex = 99;
    private const int ReleaseSessionOptionsIndex = 100;

    /// <summary>Highest index used; the table must have at least this many entries (API version 1 has 102).</summary>
    internal const int HighestIndexUsed = ReleaseSessionOptionsIndex;

    private readonly nint* _table;

    internal OrtApi(nint table) => _table = (nint*)table;

    private nint Fn(int index) => _table[index];

    public nint CreateStatus(int code, byte* message) =>
        ((delegate* unmanaged<int, byte*, nint>)Fn(CreateStatusIndex))(code, message);

    public int GetErrorCode(nint status) => ((delegate* unmanaged<nint, int>)Fn(GetErrorCodeIndex))(status);

    public string GetErrorMessage(nint status) =>
        Marshal.PtrToStringUTF8(((delegate* unmanaged<nint, nint>)Fn(GetErrorMessageIndex))(status)) ?? "";

    public void ReleaseStatus(nint status) => ((delegate* unmanaged<nint, void>)Fn(ReleaseStatusIndex))(status);

    /// <summary>Throws <see cref="OnnxRuntimeException"/> when <paramref name="status"/> is an error, releasing it.</summary>
    public void Check(nint status, string operation)
    {
        if (status == 0)
        {
            return;
        }

        var code = GetErrorCode(status);
        var message = GetErrorMessage(status);
        ReleaseStatus(status);
        throw new OnnxRuntimeException(operation, (OrtErrorCode)code, message);
    }

    public nint CreateEnv(int logLevel, byte* logId, nint* env) =>
        ((delegate* unmanaged<int, byte*, nint*, nint>)Fn(CreateEnvIndex))(logLevel, logId, env);

    public nint CreateSession(nint env, byte* modelPath, nint options, nint* session) =>
        ((delegate* unmanaged<nint, byte*, nint, nint*, nint>)Fn(CreateSessionIndex))(env, modelPath, options, session);

    public nint Run(nint session, nint runOptions, nint* inputNames, nint* inputs, nuint inputCount,
        nint* outputNames, nuint outputCount, nint* outputs) =>
        ((delegate* unmanaged<nint, nint, nint*, nint*, nuint, nint*, nuint, nint*, nint>)Fn(RunIndex))(
            session, runOptions, inputNames, inputs, inputCount, outputNames, outputCount, outputs);

    public nint CreateSessionOptions(nint* options) =>
        ((delegate* unmanaged<nint*, nint>)Fn(CreateSessionOptionsIndex))(options);

    public nint SetSessionGraphOptimizationLevel(nint options, int level) =>
        ((delegate* unmanaged<nint, int, nint>)Fn(SetSessionGraphOptimizationLevelIndex))(options, level);

    public nint SetIntraOpNumThreads(nint options, int threads) =>
        ((delegate* unmanaged<nint, int, nint>)Fn(SetIntraOpNumThreadsIndex))(options, threads);

    public nint SetInterOpNumThreads(nint options, int threads) =>
        ((delegate* unmanaged<nint, int, nint>)Fn(SetInterOpNumThreadsIndex))(options, threads);

    public nint SessionGetInputCount(nint session, nuint* count) =>
        ((delegate* unmanaged<nint, nuint*, nint>)Fn(SessionGetInputCountIndex))(session, count);

    public nint SessionGetOutputCount(nint session, nuint* count) =>
        ((delegate* unmanaged<nint, nuint*, nint>)Fn(SessionGetOutputCountIndex))(session, count);

    public nint SessionGetInputTypeInfo(nint session, nuint index, nint* typeInfo) =>
        ((delegate* unmanaged<nint, nuint, nint*, nint>)Fn(SessionGetInputTypeInfoIndex))(session, index, typeInfo);

    public nint SessionGetOutputTypeInfo(nint session, nuint index, nint* typeInfo) =>
        ((delegate* unmanaged<nint, nuint, nint*, nint>)Fn(SessionGetOutputTypeInfoIndex))(session, index, typeInfo);

    public nint SessionGetInputName(nint session, nuint index, nint allocator, nint* name) =>
        ((delegate* unmanaged<nint, nuint, nint, nint*, nint>)Fn(SessionGetInputNameIndex))(session, index, allocator, name);

    public nint SessionGetOutputName(nint session, nuint index, nint allocator, nint* name) =>
        ((delegate* unmanaged<nint, nuint, nint, nint*, nint>)Fn(SessionGetOutputNameIndex))(session, index, allocator, name);

    public nint CreateRunOptions(nint* runOptions) =>
        ((delegate* unmanaged<nint*, nint>)Fn(CreateRunOptionsIndex))(runOptions);

    public nint RunOptionsSetTerminate(nint runOptions) =>
        ((delegate* unmanaged<nint, nint>)Fn(RunOptionsSetTerminateIndex))(runOptions);

    public nint CreateTensorWithDataAsOrtValue(nint memoryInfo, void* data, nuint byteLength, long* shape,
        nuint shapeLength, OrtElementType type, nint* value) =>
        ((delegate* unmanaged<nint, void*, nuint, long*, nuint, int, nint*, nint>)Fn(CreateTensorWithDataAsOrtValueIndex))(
            memoryInfo, data, byteLength, shape, shapeLength, (int)type, value);

    public nint GetTensorMutableData(nint value, void** data) =>
        ((delegate* unmanaged<nint, void**, nint>)Fn(GetTensorMutableDataIndex))(value, data);

    public nint CastTypeInfoToTensorInfo(nint typeInfo, nint* tensorInfo) =>
        ((delegate* unmanaged<nint, nint*, nint>)Fn(CastTypeInfoToTensorInfoIndex))(typeInfo, tensorInfo);

    public nint GetTensorElementType(nint tensorInfo, int* type) =>
        ((delegate* unmanaged<nint, int*, nint>)Fn(GetTensorElementTypeIndex))(tensorInfo, type);

    public nint GetDimensionsCount(nint tensorInfo, nuint* count) =>
        ((delegate* unmanaged<nint, nuint*, nint>)Fn(GetDimensionsCountIndex))(tensorInfo, count);

    public nint GetDimensions(nint tensorInfo, long* dims, nuint count) =>
        ((delegate* unmanaged<nint, long*, nuint, nint>)Fn(GetDimensionsIndex))(tensorInfo, dims, count);

    public nint GetTensorTypeAndShape(nint value, nint* tensorInfo) =>
        ((delegate* unmanaged<nint, nint*, nint>)Fn(GetTensorTypeAndShapeIndex))(value, tensorInfo);

    public nint CreateCpuMemoryInfo(int allocatorType, int memType, nint* memoryInfo) =>
        ((delegate* unmanaged<int, int, nint*, nint>)Fn(CreateCpuMemoryInfoIndex))(allocatorType, memType, memoryInfo);

    public nint AllocatorFree(nint allocator, nint p) =>
        ((delegate* unmanaged<nint, nint, nint>)Fn(AllocatorFreeIndex))(allocator, p);

    public nint GetAllocatorWithDefaultOptions(nint* allocator) =>
        ((delegate* unmanaged<nint*, nint>)Fn(GetAllocatorWithDefaultOptionsIndex))(allocator);

    public void ReleaseEnv(nint p) => ((delegate* unmanaged<nint, void>)Fn(ReleaseEnvIndex))(p);

    public void ReleaseMemoryInfo(nint p) => ((delegate* unmanaged<nint, void>)Fn(ReleaseMemoryInfoIndex))(p);

    public void ReleaseSession(nint p) => ((delegate* unmanaged<nint, void>)Fn(ReleaseSessionIndex))(p);

    public void ReleaseValue(nint p) => ((delegate* unmanaged<nint, void>)Fn(ReleaseValueIndex))(p);

    public void ReleaseRunOptions(nint p) => ((delegate* unmanaged<nint, void>)Fn(ReleaseRunOptionsIndex))(p);

    public void ReleaseTypeInfo(nint p) => ((delegate* unmanaged<nint, void>)Fn(ReleaseTypeInfoIndex))(p);

    public void ReleaseTensorTypeAndShapeInfo(nint p) =>
        ((delegate* unmanaged<nint, void>)Fn(ReleaseTensorTypeAndShapeInfoIndex))(p);

    public void ReleaseSessionOptions(nint p) => ((delegate* unmanaged<nint, void>)Fn(ReleaseSessionOptionsIndex))(p);
}
