using Microsoft.ML.OnnxRuntime;

namespace LlmGateway.Embeddings.Onnx;

/// <summary>The float output of one run, [batch, sequence, hidden], valid until disposed (releases ONNX Runtime's buffer).</summary>
internal sealed class OnnxOutput : IDisposable
{
    private readonly IDisposableReadOnlyCollection<OrtValue> _values;
    private readonly OrtValue _value;

    private OnnxOutput(IDisposableReadOnlyCollection<OrtValue> values, OrtValue value, int hidden)
    {
        _values = values;
        _value = value;
        Hidden = hidden;
    }

    public int Hidden { get; }

    public ReadOnlySpan<float> Data => _value.GetTensorDataAsSpan<float>();

    /// <summary>Takes ownership of a run's outputs after checking the single one requested has the expected shape.</summary>
    public static OnnxOutput Take(IDisposableReadOnlyCollection<OrtValue> values, string name, int batch, int sequence)
    {
        var value = values.First();
        var shape = value.GetTensorTypeAndShape().Shape;
        if (shape.Length != 3 || shape[0] != batch || shape[1] != sequence || shape[2] <= 0)
        {
            throw new InvalidOperationException($"Output '{name}' has shape [{string.Join(", ", shape)}], expected [{batch}, {sequence}, hidden].");
        }

        return new OnnxOutput(values, value, (int)shape[2]);
    }

    public void Dispose() => _values.Dispose();
}
