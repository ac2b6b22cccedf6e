namespace LlmGateway.Embeddings.Onnx;

/// <summary>An error status returned by an ONNX Runtime C API call, with the runtime's own message.</summary>
internal sealed class OnnxRuntimeException : Exception
{
    public OnnxRuntimeException(string operation, OrtErrorCode code, string message)
        : base($"ONNX Runtime {operation} failed ({code}): {message}")
    {
        Operation = operation;
        Code = code;
    }

    public string Operation { get; }

    public OrtErrorCode Code { get; }
}
