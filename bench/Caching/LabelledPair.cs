namespace LlmGateway.Bench.Caching;

/// <summary>Two questions and whether they mean the same (a cache hit between them is right).</summary>
internal sealed record LabelledPair(string A, string B, bool Duplicate);
