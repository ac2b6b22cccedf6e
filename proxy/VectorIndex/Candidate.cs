namespace LlmGateway.VectorIndex;

/// <summary>A graph node and its distance (1 − cosine) to the current query.</summary>
internal struct Candidate
{
    public float Distance;
    public int Node;

    public Candidate(float distance, int node)
    {
        Distance = distance;
        Node = node;
    }
}
