using System.Text.Json;

namespace LlmGateway.Tests.Embeddings.Onnx;

/// <summary>Vectors computed by onnxruntime-node for the generated models (scripts/embeddings/make_reference.mjs).</summary>
internal sealed record ReferenceVector(string Text, long[] Ids, float[] Mean, float[] Cls)
{
    public static IReadOnlyList<ReferenceVector> Load(string modelKey)
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(TestPaths.Reference("vectors.json")));
        return document.RootElement.GetProperty("models").GetProperty(modelKey).EnumerateArray()
            .Select(v => new ReferenceVector(
                v.GetProperty("text").GetString()!,
                v.GetProperty("ids").EnumerateArray().Select(x => x.GetInt64()).ToArray(),
                v.GetProperty("mean").EnumerateArray().Select(x => x.GetSingle()).ToArray(),
                v.GetProperty("cls").EnumerateArray().Select(x => x.GetSingle()).ToArray()))
            .ToArray();
    }
}
