using System.Numerics.Tensors;

namespace LlmGateway.Embeddings.Onnx;

/// <summary>Token states to one unit-length sentence vector, as sentence-transformers' Pooling + Normalize modules do.</summary>
internal static class SentencePooling
{
    /// <summary>
    /// Pools row <paramref name="row"/> of a [batch, sequence, hidden] tensor whose first <paramref name="length"/>
    /// positions have attention mask 1 (padding follows), then L2-normalises (eps 1e-12, like torch's normalize).
    /// </summary>
    public static void Pool(ReadOnlySpan<float> states, int sequence, int hidden, int row, int length, EmbeddingPooling pooling, Span<float> destination)
    {
        var rowStates = states.Slice(row * sequence * hidden, sequence * hidden);
        if (pooling == EmbeddingPooling.Cls)
        {
            rowStates[..hidden].CopyTo(destination);
        }
        else
        {
            rowStates[..hidden].CopyTo(destination);
            for (var t = 1; t < length; t++)
            {
                TensorPrimitives.Add(destination, rowStates.Slice(t * hidden, hidden), destination);
            }

            TensorPrimitives.Divide(destination, Math.Max(length, 1), destination);
        }

        var norm = TensorPrimitives.Norm(destination);
        TensorPrimitives.Divide(destination, Math.Max(norm, 1e-12f), destination);
    }
}
