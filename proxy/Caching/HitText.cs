namespace LlmGateway.Caching;

/// <summary>
/// One side of a hit decision, analysed once: the look-alike guard's analysis, the verifier's letters and whether the
/// text is routed to the other-script rule, each computed on first use and kept. The asked question is analysed once per
/// lookup instead of once per candidate, and a stored question once per entry (kept on <see cref="CacheEntryMeta"/>)
/// instead of once per lookup that meets it. Each part is a pure function of the text, so a race computes the same value twice.
/// </summary>
internal sealed class HitText(string text)
{
    private LookAlikeGuard.Analysis? _analysis;
    private string? _letters;

    public string Text { get; } = text;

    public LookAlikeGuard.Analysis Analysis => _analysis ??= LookAlikeGuard.Analyse(Text);

    /// <summary><see cref="HitFeatures.Letters"/> of the text.</summary>
    public string Letters => _letters ??= HitFeatures.Letters(Text);

    /// <summary><see cref="OtherScripts.IsRouted"/> of the text, from its analysis (every decision path needs that anyway).</summary>
    public bool IsRouted => Analysis.Routed;
}
