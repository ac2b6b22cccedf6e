using System.Runtime.InteropServices;
using System.Text;

namespace LlmGateway.Embeddings.Onnx;

/// <summary>
/// One ONNX Runtime inference session over a BERT-shaped sentence model: inputs <c>input_ids</c>,
/// <c>attention_mask</c> and optionally <c>token_type_ids</c> (int64 [batch, seq]); a float
/// [batch, seq, hidden] output (<c>last_hidden_state</c> preferred). <see cref="Run"/> is safe to call from
/// several threads at once (ONNX Runtime sessions are); every native object is released on
/// <see cref="Dispose"/> or, failing that, by the handles' finalizers.
/// </summary>
internal sealed unsafe class OnnxSession : IDisposable
{
    internal const string InputIds = "input_ids";
    internal const string AttentionMask = "attention_mask";
    internal const string TokenTypeIds = "token_type_ids";
    private static readonly string[] PreferredOutputs = ["last_hidden_state", "token_embeddings"];

    private readonly OrtApi _api;
    private readonly OrtObjectHandle _env;
    private readonly OrtObjectHandle _options;
    private readonly OrtObjectHandle _session;
    private readonly OrtObjectHandle _memoryInfo;
    private readonly NativeUtf8Strings _inputNames;
    private readonly NativeUtf8Strings _outputNames;

    private OnnxSession(OrtApi api, OrtObjectHandle env, OrtObjectHandle options, OrtObjectHandle session,
        OrtObjectHandle memoryInfo, OnnxModelInputs inputs)
    {
        _api = api;
        _env = env;
        _options = options;
        _session = session;
        _memoryInfo = memoryInfo;
        Inputs = inputs;
        _inputNames = new NativeUtf8Strings(inputs.HasTokenTypeIds ? [InputIds, AttentionMask, TokenTypeIds] : [InputIds, AttentionMask]);
        _outputNames = new NativeUtf8Strings([inputs.OutputName]);
    }

    public OnnxModelInputs Inputs { get; }

    /// <summary>Opens <paramref name="modelPath"/>; throws <see cref="EmbeddingModelLoadException"/> with the reason when it cannot be used.</summary>
    public static OnnxSession Open(OrtLibrary library, string modelPath, int intraOpThreads)
    {
        var api = library.Api;
        OrtObjectHandle? env = null, options = null, session = null, memoryInfo = null;
        try
        {
            nint p;
            fixed (byte* logId = "llmgateway-embeddings\0"u8)
            {
                api.Check(api.CreateEnv(3 /* ORT_LOGGING_LEVEL_ERROR */, logId, &p), "CreateEnv");
            }

            env = new OrtObjectHandle(p, api.ReleaseEnv);
            api.Check(api.CreateSessionOptions(&p), "CreateSessionOptions");
            options = new OrtObjectHandle(p, api.ReleaseSessionOptions);
            api.Check(api.SetIntraOpNumThreads(options.DangerousGetHandle(), intraOpThreads), "SetIntraOpNumThreads");
            api.Check(api.SetInterOpNumThreads(options.DangerousGetHandle(), 1), "SetInterOpNumThreads");
            api.Check(api.SetSessionGraphOptimizationLevel(options.DangerousGetHandle(), 99 /* ORT_ENABLE_ALL */), "SetSessionGraphOptimizationLevel");

            var pathBytes = Encoding.UTF8.GetBytes(modelPath + "\0");
            fixed (byte* path = pathBytes)
            {
                try
                {
                    api.Check(api.CreateSession(env.DangerousGetHandle(), path, options.DangerousGetHandle(), &p), "CreateSession");
                }
                catch (OnnxRuntimeException ex)
                {
                    throw new EmbeddingModelLoadException(
                        $"The embedding model '{modelPath}' (Gateway:Embeddings:ModelPath) could not be loaded by ONNX Runtime {library.Version}: {ex.Message}", ex);
                }
            }

            session = new OrtObjectHandle(p, api.ReleaseSession);
            api.Check(api.CreateCpuMemoryInfo(0 /* OrtDeviceAllocator */, 0 /* OrtMemTypeDefault */, &p), "CreateCpuMemoryInfo");
            memoryInfo = new OrtObjectHandle(p, api.ReleaseMemoryInfo);
            var inputs = Describe(api, session.DangerousGetHandle(), modelPath);
            return new OnnxSession(api, env, options, session, memoryInfo, inputs);
        }
        catch
        {
            memoryInfo?.Dispose();
            session?.Dispose();
            options?.Dispose();
            env?.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Runs the model on a padded batch. <paramref name="inputIds"/> and <paramref name="attentionMask"/> are
    /// row-major [batch, sequence]; token type ids, when the graph has them, are all zero. Cancelling
    /// <paramref name="cancellationToken"/> asks ONNX Runtime to terminate the run.
    /// </summary>
    public OrtOutputTensor Run(ReadOnlySpan<long> inputIds, ReadOnlySpan<long> attentionMask, ReadOnlySpan<long> tokenTypeIds,
        int batch, int sequence, CancellationToken cancellationToken)
    {
        var count = checked(batch * sequence);
        if (inputIds.Length < count || attentionMask.Length < count || (Inputs.HasTokenTypeIds && tokenTypeIds.Length < count))
        {
            throw new ArgumentException("Input buffers are smaller than batch * sequence.");
        }

        cancellationToken.ThrowIfCancellationRequested();
        bool envRef = false, sessionRef = false, memoryRef = false, inputRef = false, outputRef = false;
        var values = stackalloc nint[3];
        values[0] = values[1] = values[2] = 0;
        nint output = 0;
        nint runOptions = 0;
        try
        {
            _env.DangerousAddRef(ref envRef);
            _session.DangerousAddRef(ref sessionRef);
            _memoryInfo.DangerousAddRef(ref memoryRef);
            _inputNames.DangerousAddRef(ref inputRef);
            _outputNames.DangerousAddRef(ref outputRef);
            var shape = stackalloc long[2] { batch, sequence };
            var bytes = (nuint)(count * sizeof(long));
            var memoryInfo = _memoryInfo.DangerousGetHandle();
            fixed (long* ids = inputIds)
            fixed (long* mask = attentionMask)
            fixed (long* types = tokenTypeIds)
            {
                _api.Check(_api.CreateTensorWithDataAsOrtValue(memoryInfo, ids, bytes, shape, 2, OrtElementType.Int64, &values[0]), "CreateTensor(input_ids)");
                _api.Check(_api.CreateTensorWithDataAsOrtValue(memoryInfo, mask, bytes, shape, 2, OrtElementType.Int64, &values[1]), "CreateTensor(attention_mask)");
                if (Inputs.HasTokenTypeIds)
                {
                    _api.Check(_api.CreateTensorWithDataAsOrtValue(memoryInfo, types, bytes, shape, 2, OrtElementType.Int64, &values[2]), "CreateTensor(token_type_ids)");
                }

                var inputCount = (nuint)(Inputs.HasTokenTypeIds ? 3 : 2);
                if (cancellationToken.CanBeCanceled)
                {
                    _api.Check(_api.CreateRunOptions(&runOptions), "CreateRunOptions");
                    var options = runOptions;
                    using (cancellationToken.UnsafeRegister(static (state, _) => ((RunTerminator)state!).Terminate(), new RunTerminator(_api, options)))
                    {
                        _api.Check(_api.Run(_session.DangerousGetHandle(), runOptions, _inputNames.Pointers, values, inputCount, _outputNames.Pointers, 1, &output), "Run");
                    }
                }
                else
                {
                    _api.Check(_api.Run(_session.DangerousGetHandle(), 0, _inputNames.Pointers, values, inputCount, _outputNames.Pointers, 1, &output), "Run");
                }
            }

            var result = ReadOutput(output, batch, sequence);
            output = 0; // ownership moved to the result
            return result;
        }
        finally
        {
            for (var i = 0; i < 3; i++)
            {
                if (values[i] != 0)
                {
                    _api.ReleaseValue(values[i]);
                }
            }

            if (output != 0)
            {
                _api.ReleaseValue(output);
            }

            if (runOptions != 0)
            {
                _api.ReleaseRunOptions(runOptions);
            }

            ReleaseRef(_session, sessionRef);
            ReleaseRef(_memoryInfo, memoryRef);
            ReleaseRef(_inputNames, inputRef);
            ReleaseRef(_outputNames, outputRef);
            ReleaseRef(_env, envRef);
        }
    }

    private static void ReleaseRef(SafeHandle handle, bool added)
    {
        if (added)
        {
            handle.DangerousRelease();
        }
    }

    private OrtOutputTensor ReadOutput(nint output, int batch, int sequence)
    {
        nint info;
        _api.Check(_api.GetTensorTypeAndShape(output, &info), "GetTensorTypeAndShape");
        try
        {
            int type;
            nuint rank;
            _api.Check(_api.GetTensorElementType(info, &type), "GetTensorElementType");
            _api.Check(_api.GetDimensionsCount(info, &rank), "GetDimensionsCount");
            if (type != (int)OrtElementType.Float || rank != 3)
            {
                throw new InvalidOperationException($"Output '{Inputs.OutputName}' is not a float tensor of rank 3 (type {type}, rank {rank}).");
            }

            var dims = stackalloc long[3];
            _api.Check(_api.GetDimensions(info, dims, 3), "GetDimensions");
            if (dims[0] != batch || dims[1] != sequence || dims[2] <= 0)
            {
                throw new InvalidOperationException(
                    $"Output '{Inputs.OutputName}' has shape [{dims[0]}, {dims[1]}, {dims[2]}], expected [{batch}, {sequence}, hidden].");
            }

            void* data;
            _api.Check(_api.GetTensorMutableData(output, &data), "GetTensorMutableData");
            return new OrtOutputTensor(_api, output, (float*)data, batch, sequence, (int)dims[2]);
        }
        finally
        {
            _api.ReleaseTensorTypeAndShapeInfo(info);
        }
    }

    private static OnnxModelInputs Describe(OrtApi api, nint session, string modelPath)
    {
        nint allocator;
        api.Check(api.GetAllocatorWithDefaultOptions(&allocator), "GetAllocatorWithDefaultOptions");
        nuint inputCount, outputCount;
        api.Check(api.SessionGetInputCount(session, &inputCount), "SessionGetInputCount");
        api.Check(api.SessionGetOutputCount(session, &outputCount), "SessionGetOutputCount");

        var inputs = new List<(string Name, int Type, int Rank)>();
        for (nuint i = 0; i < inputCount; i++)
        {
            nint name, typeInfo;
            api.Check(api.SessionGetInputName(session, i, allocator, &name), "SessionGetInputName");
            var text = TakeString(api, allocator, name);
            api.Check(api.SessionGetInputTypeInfo(session, i, &typeInfo), "SessionGetInputTypeInfo");
            var (type, rank, _) = TensorType(api, typeInfo);
            inputs.Add((text, type, rank));
        }

        var outputs = new List<(string Name, int Type, int Rank, long Last)>();
        for (nuint i = 0; i < outputCount; i++)
        {
            nint name, typeInfo;
            api.Check(api.SessionGetOutputName(session, i, allocator, &name), "SessionGetOutputName");
            var text = TakeString(api, allocator, name);
            api.Check(api.SessionGetOutputTypeInfo(session, i, &typeInfo), "SessionGetOutputTypeInfo");
            var (type, rank, last) = TensorType(api, typeInfo);
            outputs.Add((text, type, rank, last));
        }

        var inputNames = inputs.Select(x => x.Name).ToArray();
        var problems = new List<string>();
        foreach (var required in new[] { InputIds, AttentionMask })
        {
            if (!inputNames.Contains(required))
            {
                problems.Add($"it has no '{required}' input");
            }
        }

        foreach (var input in inputs)
        {
            if (input.Name is not (InputIds or AttentionMask or TokenTypeIds))
            {
                problems.Add($"it has an input '{input.Name}' the embedder cannot fill");
            }
            else if (input.Type != (int)OrtElementType.Int64 || input.Rank != 2)
            {
                problems.Add($"input '{input.Name}' is not an int64 tensor of rank 2");
            }
        }

        var candidates = outputs.Where(o => o.Type == (int)OrtElementType.Float && o.Rank == 3).ToList();
        var chosen = candidates.FirstOrDefault(o => PreferredOutputs.Contains(o.Name));
        if (chosen.Name is null && candidates.Count > 0)
        {
            chosen = candidates[0];
        }

        if (chosen.Name is null)
        {
            problems.Add("it has no float [batch, sequence, hidden] output such as 'last_hidden_state'");
        }

        if (problems.Count > 0)
        {
            throw new EmbeddingModelLoadException(
                $"The embedding model '{modelPath}' is not a BERT-style sentence model the gateway can run: {string.Join("; ", problems)}. " +
                $"Inputs: [{string.Join(", ", inputNames)}]; outputs: [{string.Join(", ", outputs.Select(o => o.Name))}]. " +
                "Expected inputs input_ids and attention_mask (int64 [batch, sequence]), optionally token_type_ids, and output last_hidden_state.");
        }

        return new OnnxModelInputs(
            inputNames.Contains(TokenTypeIds), chosen.Name!, chosen.Last > 0 ? (int)chosen.Last : -1,
            inputNames, outputs.Select(o => o.Name).ToArray());
    }

    private static string TakeString(OrtApi api, nint allocator, nint value)
    {
        try
        {
            return Marshal.PtrToStringUTF8(value) ?? "";
        }
        finally
        {
            api.Check(api.AllocatorFree(allocator, value), "AllocatorFree");
        }
    }

    private static (int Type, int Rank, long LastDimension) TensorType(OrtApi api, nint typeInfo)
    {
        try
        {
            nint tensorInfo; // owned by typeInfo
            api.Check(api.CastTypeInfoToTensorInfo(typeInfo, &tensorInfo), "CastTypeInfoToTensorInfo");
            if (tensorInfo == 0)
            {
                return (0, 0, 0);
            }

            int type;
            nuint rank;
            api.Check(api.GetTensorElementType(tensorInfo, &type), "GetTensorElementType");
            api.Check(api.GetDimensionsCount(tensorInfo, &rank), "GetDimensionsCount");
            long last = 0;
            if (rank is > 0 and <= 8)
            {
                var dims = stackalloc long[8];
                api.Check(api.GetDimensions(tensorInfo, dims, rank), "GetDimensions");
                last = dims[(int)rank - 1];
            }

            return (type, (int)rank, last);
        }
        finally
        {
            api.ReleaseTypeInfo(typeInfo);
        }
    }

    public void Dispose()
    {
        _session.Dispose();
        _memoryInfo.Dispose();
        _options.Dispose();
        _env.Dispose();
        _inputNames.Dispose();
        _outputNames.Dispose();
    }

    private sealed class RunTerminator(OrtApi api, nint runOptions)
    {
        public void Terminate()
        {
            var status = api.RunOptionsSetTerminate(runOptions);
            if (status != 0)
            {
                api.ReleaseStatus(status);
            }
        }
    }
}
