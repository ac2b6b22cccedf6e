namespace LlmGateway.Embeddings.Onnx;

/// <summary>Where the time of one batch went, in <see cref="System.Diagnostics.Stopwatch"/> ticks (for the bench).</summary>
internal struct OnnxPhaseTimings
{
    /// <summary>Tokenisation and tensor setup (the project's work before the model).</summary>
    public long PrepareTicks;

    /// <summary>ONNX Runtime's Run call.</summary>
    public long RunTicks;

    /// <summary>Pooling, normalisation and releasing the output (the project's work after the model).</summary>
    public long PoolTicks;
}
