namespace LlmGateway.VectorIndex;

/// <summary>How a partition is currently searched.</summary>
internal enum PartitionKind
{
    /// <summary>Exact SIMD scan over contiguous rows (small partitions).</summary>
    Flat = 0,

    /// <summary>Its own HNSW graph (partitions that reached <see cref="VectorIndexOptions.FlatScanBelow"/>).</summary>
    Graph = 1,
}
