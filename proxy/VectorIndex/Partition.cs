namespace LlmGateway.VectorIndex;

/// <summary>
/// One partition's current store: a <see cref="FlatPartition"/> or an <see cref="HnswIndex"/>,
/// held in a single field so a reader always sees one whole store, never a switch in progress.
/// </summary>
internal sealed class Partition
{
    private object _store;

    public Partition(FlatPartition flat) => _store = flat;

    public Partition(HnswIndex graph) => _store = graph;

    /// <summary>The current store: <see cref="FlatPartition"/> or <see cref="HnswIndex"/>.</summary>
    public object Store => Volatile.Read(ref _store);

    public PartitionKind Kind => Store is HnswIndex ? PartitionKind.Graph : PartitionKind.Flat;

    public int Count => Store switch
    {
        HnswIndex graph => graph.Count,
        FlatPartition flat => flat.Count,
        _ => 0,
    };

    /// <summary>Publishes a new store (writer only).</summary>
    public void Replace(object store) => Volatile.Write(ref _store, store);

    public void ForEachLive(Action<long, ReadOnlySpan<float>> action)
    {
        switch (Store)
        {
            case HnswIndex graph:
                graph.ForEachLive(action);
                break;
            case FlatPartition flat:
                flat.ForEachLive(action);
                break;
        }
    }
}
