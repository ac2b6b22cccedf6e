namespace LlmGateway.Embeddings.Onnx;

/// <summary>The float output of one run, [batch, sequence, hidden], valid until disposed (releases the OrtValue).</summary>
internal readonly unsafe ref struct OrtOutputTensor
{
    private readonly OrtApi _api;
    private readonly nint _value;
    private readonly float* _data;

    internal OrtOutputTensor(OrtApi api, nint value, float* data, int batch, int sequence, int hidden)
    {
        _api = api;
        _value = value;
        _data = data;
        Batch = batch;
        Sequence = sequence;
        Hidden = hidden;
    }

    public int Batch { get; }

    public int Sequence { get; }

    public int Hidden { get; }

    public ReadOnlySpan<float> Data => new(_data, checked(Batch * Sequence * Hidden));

    public void Dispose() => _api.ReleaseValue(_value);
}
