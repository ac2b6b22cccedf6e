namespace LlmGateway.VectorIndex;

/// <summary>One stored vector, as the cache's store hands it back to rebuild the index.</summary>
internal readonly record struct VectorEntry(long Id, ulong Partition, float[] Vector);
