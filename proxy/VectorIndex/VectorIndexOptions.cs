namespace LlmGateway.VectorIndex;

/// <summary>
/// Settings of the in-process vector index, bound from <c>Gateway:VectorIndex</c>.
/// Defaults suit 384-dimensional sentence embeddings (all-MiniLM-L6-v2, bge-small).
/// </summary>
internal sealed record VectorIndexOptions
{
    /// <summary>Configuration section the options are bound from.</summary>
    public const string SectionName = "Gateway:VectorIndex";

    /// <summary>Number of components of every vector. Default 384.</summary>
    public int Dimension { get; init; } = 384;

    /// <summary>HNSW out-degree on upper layers; layer 0 keeps 2·M. Default 16.</summary>
    public int M { get; init; } = 16;

    /// <summary>
    /// Beam width while inserting. Default 64: the recall bench found the same recall@10 at the default EfSearch as
    /// with 200 for a cheaper insert (README.md, "Insert beam").
    /// </summary>
    public int EfConstruction { get; init; } = 64;

    /// <summary>Default beam width while searching (raised to k when smaller). Default 64.</summary>
    public int EfSearch { get; init; } = 64;

    /// <summary>Seed of the deterministic level assignment. Default 42.</summary>
    public long Seed { get; init; } = 42;

    /// <summary>
    /// Walk large partitions' graphs on int8 codes of the vectors and re-rank the walk's
    /// candidates on the floats: faster searches for about 390 more bytes per vector. Default true:
    /// every cache miss pays a search, and the int8 walk cut its CPU by a third (README.md).
    /// </summary>
    public bool QuantizedSearch { get; init; } = true;

    /// <summary>A partition with fewer live vectors than this is searched by an exact flat scan. Default 2000.</summary>
    public int FlatScanBelow { get; init; } = 2000;

    /// <summary>Compact a graph when tombstones exceed this fraction of its nodes. Default 0.2.</summary>
    public double CompactTombstoneFraction { get; init; } = 0.2;
}
