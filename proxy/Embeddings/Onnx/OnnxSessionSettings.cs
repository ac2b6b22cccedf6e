using Microsoft.ML.OnnxRuntime;
using SessionOptions = Microsoft.ML.OnnxRuntime.SessionOptions;

namespace LlmGateway.Embeddings.Onnx;

/// <summary>How a session runs: intra-op threads per run and ONNX Runtime's CPU memory arena.</summary>
/// <param name="IntraOpThreads">Threads one run may use (0 = ONNX Runtime's default, one per core).</param>
/// <param name="CpuMemoryArena">Keep freed run buffers in ONNX Runtime's arena for the next run.</param>
internal sealed record OnnxSessionSettings(int IntraOpThreads = 1, bool CpuMemoryArena = true)
{
    public SessionOptions CreateSessionOptions()
    {
        var options = new SessionOptions
        {
            IntraOpNumThreads = IntraOpThreads,
            // Runs in flight come from the micro-batcher's workers, not from parallel graph branches.
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            // EXTENDED has the fusions a BERT graph gains from (attention, GELU, LayerNorm); ALL adds layout
            // transformations for convolutions and cost ~180 ms more per load of MiniLM for no measured run-time gain.
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_EXTENDED,
            EnableCpuMemArena = CpuMemoryArena,
            LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR,
        };
        // Idle intra-op threads would otherwise spin on a core the gateway shares with its requests.
        options.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
        return options;
    }
}
