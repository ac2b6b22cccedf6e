namespace LlmGateway.Caching;

/// <summary>
/// The second stage of a semantic hit, for one embedder: a candidate above the cosine bar is served when the measured
/// verifier says "same question" (English-script text; the guard's exact rules veto first, <see cref="HitFeatures.Vetoed"/>) or the other-script rule does (text the model cannot read);
/// without a measured verifier for this embedder (or with <c>Gateway:Cache:Verifier</c> off) the look-alike guard decides.
/// </summary>
internal sealed class HitDecision
{
    private readonly VerifierData? _verifier;
    private readonly double? _otherScriptBar;

    private HitDecision(VerifierData? verifier, double? otherScriptBar)
    {
        _verifier = verifier;
        _otherScriptBar = otherScriptBar;
    }

    /// <summary>The guard alone: the decision for embedders nobody measured.</summary>
    public static HitDecision Guard { get; } = new(null, null);

    public static HitDecision For(HitDecisionData? measured, bool useVerifier) =>
        useVerifier && measured?.Verifier is { MatchesFeatures: true } verifier ? new HitDecision(verifier, measured.OtherScriptMinBigramDice) : Guard;

    public bool UsesVerifier => _verifier is not null;

    public bool Allows(string asked, string stored, double cosine) => Allows(new HitText(asked), new HitText(stored), cosine);

    /// <summary>
    /// <see cref="Allows(string, string, double)"/> on texts analysed once: the lookup analyses the asked question once for
    /// all its candidates, and each entry keeps its stored question's analysis.
    /// </summary>
    public bool Allows(HitText asked, HitText stored, double cosine)
    {
        if (_verifier is null)
            return LookAlikeGuard.Allows(asked.Analysis, stored.Analysis);
        if (asked.IsRouted || stored.IsRouted)
            return OtherScripts.Allows(asked, stored, _otherScriptBar);
        Span<float> features = stackalloc float[HitFeatures.Count];
        var sameLetters = HitFeatures.ComputeSameLetters(asked, stored, cosine, features);
        if (HitFeatures.Vetoed(features))
            return false;
        // The same letters and digits (case, spacing and punctuation aside; symbols were compared by the veto) ask the
        // same question, whatever QQP's labels taught the model about overlap.
        return sameLetters || _verifier.Probability(features) >= _verifier.MinProbability;
    }

    /// <summary>
    /// The candidate's score for a lookup under an error bound (<see cref="Verified.ErrorBound"/>): higher means more likely the
    /// same question. With a measured verifier its probability (0 where an exact rule vetoes, 1 where the letters are equal);
    /// otherwise the cosine, or 0 where the look-alike guard refuses.
    /// </summary>
    public double Score(string asked, string stored, double cosine) => Score(new HitText(asked), new HitText(stored), cosine);

    /// <summary><see cref="Score(string, string, double)"/> on texts analysed once (<see cref="HitText"/>).</summary>
    public double Score(HitText asked, HitText stored, double cosine)
    {
        if (_verifier is null)
            return LookAlikeGuard.Allows(asked.Analysis, stored.Analysis) ? cosine : 0;
        if (asked.IsRouted || stored.IsRouted)
            return OtherScripts.Allows(asked, stored, _otherScriptBar) ? 1 : 0;
        Span<float> features = stackalloc float[HitFeatures.Count];
        var sameLetters = HitFeatures.ComputeSameLetters(asked, stored, cosine, features);
        if (HitFeatures.Vetoed(features))
            return 0;
        return sameLetters ? 1 : _verifier.Probability(features);
    }
}
