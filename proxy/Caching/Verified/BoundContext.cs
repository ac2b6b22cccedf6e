namespace LlmGateway.Caching.Verified;

/// <summary>A lookup under an error bound: δ, and the bounded metric labels of its team and model.</summary>
internal sealed record BoundContext(double MaxErrorRate, string TeamLabel, string ModelLabel);
