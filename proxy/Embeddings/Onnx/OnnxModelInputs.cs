namespace LlmGateway.Embeddings.Onnx;

/// <summary>What a loaded graph looks like: which BERT inputs it takes and which output holds the token states.</summary>
internal sealed record OnnxModelInputs(
    bool HasTokenTypeIds,
    string OutputName,
    int HiddenSize,
    IReadOnlyList<string> InputNames,
    IReadOnlyList<string> OutputNames);
