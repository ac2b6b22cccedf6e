namespace LlmGateway.VectorIndex;

/// <summary>One search result: the caller's id and its cosine similarity to the query (1 = identical).</summary>
internal readonly record struct VectorMatch(long Id, float Similarity);
