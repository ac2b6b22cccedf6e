using Microsoft.ML.OnnxRuntime;
using SessionOptions = Microsoft.ML.OnnxRuntime.SessionOptions;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace LlmGateway.Embeddings.Onnx;

/// <summary>
/// One ONNX Runtime inference session (Microsoft.ML.OnnxRuntime) over a BERT-shaped sentence model: inputs
/// <c>input_ids</c>, <c>attention_mask</c> and optionally <c>token_type_ids</c> (int64 [batch, seq]); a float
/// [batch, seq, hidden] output (<c>last_hidden_state</c> preferred). <see cref="Run"/> is safe to call from
/// several threads at once (ONNX Runtime sessions are). <see cref="Dispose"/> during a run is safe too: the
/// native session is released when the last run in flight returns.
/// </summary>
internal sealed class OnnxSession : IDisposable
{
    internal const string InputIds = "input_ids";
    internal const string AttentionMask = "attention_mask";
    internal const string TokenTypeIds = "token_type_ids";
    private static readonly string[] PreferredOutputs = ["last_hidden_state", "token_embeddings"];

    private readonly InferenceSession _session;
    private readonly string[] _inputNames;
    private readonly string[] _outputNames;
    private readonly RunOptions _uncancellable = new();
    private readonly Lock _gate = new();
    private int _running;
    private bool _disposed;

    private OnnxSession(InferenceSession session, OnnxModelInputs inputs)
    {
        _session = session;
        Inputs = inputs;
        _inputNames = inputs.HasTokenTypeIds ? [InputIds, AttentionMask, TokenTypeIds] : [InputIds, AttentionMask];
        _outputNames = [inputs.OutputName];
    }

    public OnnxModelInputs Inputs { get; }

    /// <summary>Version of the ONNX Runtime native library in use (from the Microsoft.ML.OnnxRuntime package).</summary>
    public static string RuntimeVersion => OrtEnv.Instance().GetVersionString();

    /// <summary>
    /// Opens the model file at <paramref name="modelPath"/> (named <paramref name="name"/> in messages, default the path);
    /// throws <see cref="EmbeddingModelLoadException"/> with the reason.
    /// </summary>
    public static OnnxSession Open(string modelPath, OnnxSessionSettings settings, string? name = null)
    {
        name ??= modelPath;
        using var options = settings.CreateSessionOptions();
        InferenceSession session;
        try
        {
            session = new InferenceSession(modelPath, options);
        }
        catch (OnnxRuntimeException ex)
        {
            throw new EmbeddingModelLoadException(
                $"The embedding model '{name}' (Gateway:Embeddings) could not be loaded by ONNX Runtime {RuntimeVersion}: {ex.Message}", ex);
        }

        try
        {
            return new OnnxSession(session, Describe(session, name));
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Runs the model on a padded batch. The input arrays are row-major [batch, sequence] and are read in place
    /// (pinned for the run, not copied); token type ids, when the graph has them, must be all zero. Cancelling
    /// <paramref name="cancellationToken"/> asks ONNX Runtime to terminate the run.
    /// </summary>
    public OnnxOutput Run(long[] inputIds, long[] attentionMask, long[] tokenTypeIds, int batch, int sequence, CancellationToken cancellationToken)
    {
        var count = checked(batch * sequence);
        if (inputIds.Length < count || attentionMask.Length < count || (Inputs.HasTokenTypeIds && tokenTypeIds.Length < count))
        {
            throw new ArgumentException("Input buffers are smaller than batch * sequence.");
        }

        cancellationToken.ThrowIfCancellationRequested();
        Enter();
        try
        {
            long[] shape = [batch, sequence];
            using var ids = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, inputIds.AsMemory(0, count), shape);
            using var mask = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, attentionMask.AsMemory(0, count), shape);
            using var types = Inputs.HasTokenTypeIds ? OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, tokenTypeIds.AsMemory(0, count), shape) : null;
            OrtValue[] inputs = types is null ? [ids, mask] : [ids, mask, types];
            var outputs = RunCore(inputs, cancellationToken);
            try
            {
                return OnnxOutput.Take(outputs, Inputs.OutputName, batch, sequence);
            }
            catch
            {
                outputs.Dispose();
                throw;
            }
        }
        finally
        {
            Exit();
        }
    }

    private IDisposableReadOnlyCollection<OrtValue> RunCore(OrtValue[] inputs, CancellationToken cancellationToken)
    {
        if (!cancellationToken.CanBeCanceled)
        {
            return _session.Run(_uncancellable, _inputNames, inputs, _outputNames);
        }

        // Terminate is sticky, so a cancellable run gets run options of its own. Disposing the registration
        // waits for a callback in progress, so the options outlive any Terminate call.
        using var runOptions = new RunOptions();
        using (cancellationToken.UnsafeRegister(static state => ((RunOptions)state!).Terminate = true, runOptions))
        {
            try
            {
                return _session.Run(runOptions, _inputNames, inputs, _outputNames);
            }
            catch (OnnxRuntimeException) when (cancellationToken.IsCancellationRequested)
            {
                throw new OperationCanceledException("The model run was terminated.", cancellationToken);
            }
        }
    }

    private void Enter()
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _running++;
        }
    }

    private void Exit()
    {
        bool release;
        lock (_gate)
        {
            release = --_running == 0 && _disposed;
        }

        if (release)
        {
            Release();
        }
    }

    public void Dispose()
    {
        bool release;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            release = _running == 0;
        }

        if (release)
        {
            Release();
        }
    }

    private void Release()
    {
        _session.Dispose();
        _uncancellable.Dispose();
    }

    private static OnnxModelInputs Describe(InferenceSession session, string name)
    {
        var inputs = session.InputMetadata;
        var outputs = session.OutputMetadata;
        var inputNames = inputs.Keys.ToArray();
        var problems = new List<string>();
        foreach (var required in new[] { InputIds, AttentionMask })
        {
            if (!inputs.ContainsKey(required))
            {
                problems.Add($"it has no '{required}' input");
            }
        }

        foreach (var (inputName, metadata) in inputs)
        {
            if (inputName is not (InputIds or AttentionMask or TokenTypeIds))
            {
                problems.Add($"it has an input '{inputName}' the embedder cannot fill");
            }
            else if (!metadata.IsTensor || metadata.ElementDataType != TensorElementType.Int64 || metadata.Dimensions.Length != 2)
            {
                problems.Add($"input '{inputName}' is not an int64 tensor of rank 2");
            }
        }

        var candidates = outputs
            .Where(o => o.Value.IsTensor && o.Value.ElementDataType == TensorElementType.Float && o.Value.Dimensions.Length == 3)
            .ToList();
        var chosen = candidates.FirstOrDefault(o => PreferredOutputs.Contains(o.Key));
        if (chosen.Key is null && candidates.Count > 0)
        {
            chosen = candidates[0];
        }

        if (chosen.Key is null)
        {
            problems.Add("it has no float [batch, sequence, hidden] output such as 'last_hidden_state'");
        }

        if (problems.Count > 0)
        {
            throw new EmbeddingModelLoadException(
                $"The embedding model '{name}' is not a BERT-style sentence model the gateway can run: {string.Join("; ", problems)}. " +
                $"Inputs: [{string.Join(", ", inputNames)}]; outputs: [{string.Join(", ", outputs.Keys)}]. " +
                "Expected inputs input_ids and attention_mask (int64 [batch, sequence]), optionally token_type_ids, and output last_hidden_state.");
        }

        var hidden = chosen.Value.Dimensions[2];
        return new OnnxModelInputs(inputs.ContainsKey(TokenTypeIds), chosen.Key!, hidden > 0 ? hidden : -1, inputNames, outputs.Keys.ToArray());
    }
}
