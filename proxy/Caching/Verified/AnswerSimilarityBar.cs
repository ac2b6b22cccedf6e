namespace LlmGateway.Caching.Verified;

/// <summary>
/// The cosine bar <see cref="AnswerEquivalence"/> uses for long answers, and where it came from. A bar is a property of
/// one embedder's cosines, so a measured bar is used only for the exact embedder id it was measured with; any other
/// embedder (the hashing one, a user's model folder) gets none, and then only answers equal after normalisation are the same.
/// </summary>
internal sealed record AnswerSimilarityBar(double? Bar, string Source)
{
    /// <param name="configured"><c>Gateway:Cache:AnswerSimilarityBar</c>; when set it wins.</param>
    /// <param name="embedderId">The configured embedder's full id (<c>ITextEmbedder.ModelId</c>).</param>
    /// <param name="decisions">The shipped decision files (<see cref="HitDecisions.All"/>; tests pass their own).</param>
    public static AnswerSimilarityBar Resolve(double? configured, string embedderId, IEnumerable<HitDecisionData> decisions)
    {
        if (configured is { } bar)
            return new(bar, "configured (Gateway:Cache:AnswerSimilarityBar)");
        return HitDecisions.Find(decisions, embedderId) switch
        {
            { AnswerSimilarityBar: { } measured } => new(measured, $"measured for {embedderId} (Caching/HitDecisions)"),
            { AnswerSimilarity: not null } => new(null, $"measured for {embedderId}, no bar reached the precision asked: equal answers only"),
            _ => new(null, $"none measured for {embedderId}: equal answers only"),
        };
    }
}
