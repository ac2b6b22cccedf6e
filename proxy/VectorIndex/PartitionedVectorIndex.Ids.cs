namespace LlmGateway.VectorIndex;

internal sealed partial class PartitionedVectorIndex
{
    /// <summary>A copy of the ids of all live vectors (used to reconcile a loaded snapshot with the store).</summary>
    public long[] Ids()
    {
        lock (_writeLock)
        {
            return [.. _partitionById.Keys];
        }
    }
}
