namespace LlmGateway.Caching.Verified;

/// <summary>The third layer of <see cref="AnswerEquivalence"/>: asked only for two long answers the first layers cannot call the same.</summary>
internal interface IAnswerJudge
{
    /// <summary>True: same information; false: different; null: no verdict (error, timeout, an unreadable reply).</summary>
    Task<bool?> SameAsync(string question, string cachedAnswer, string freshAnswer, CancellationToken cancellationToken);
}
