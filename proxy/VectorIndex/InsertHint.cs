namespace LlmGateway.VectorIndex;

/// <summary>
/// The layer-0 beam a search ended with, kept for inserting the same vector next: a cache miss searches for its
/// question's vector, then stores that vector, and the insert's own beam search would find the same neighbours again.
/// Valid only for the graph it came from (a compaction or a rebuild makes a new graph, whose node numbers differ).
/// </summary>
internal sealed class InsertHint(object graph, int[] nodes)
{
    /// <summary>The graph whose node numbers <see cref="Nodes"/> are.</summary>
    public object Graph { get; } = graph;

    /// <summary>Nodes of the beam, in no particular order.</summary>
    public int[] Nodes { get; } = nodes;
}
