namespace LlmGateway.Embeddings.Onnx;

/// <summary>The <c>ONNXTensorElementDataType</c> values the embedder meets.</summary>
internal enum OrtElementType
{
    Undefined = 0,
    Float = 1,
    Int32 = 6,
    Int64 = 7,
    Float16 = 10,
}
