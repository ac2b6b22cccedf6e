namespace LlmGateway.VectorIndex;

/// <summary>
/// How a graph walk measures the distance from its query to a node: on the float rows
/// (construction and the default search) or on int8 codes (quantized search). The walk is
/// generic over this, so the JIT specialises it for each and a distance is not a virtual call.
/// </summary>
internal interface INodeDistance
{
    /// <summary>1 − similarity between the query and <paramref name="node"/>'s vector (or its code).</summary>
    float To(int node);

    /// <summary>Asks the CPU to start loading what <see cref="To"/> will read for <paramref name="node"/>.</summary>
    void Prefetch(int node);
}
