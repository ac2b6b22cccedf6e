using LlmGateway.Auth;

namespace LlmGateway.Caching;

/// <summary>Which similarity threshold applies: team, else model, else global, else the embedder's measured default.</summary>
internal static class CacheThresholds
{
    /// <summary>
    /// Defaults from the quality benchmark (bench: <c>cache-quality</c>) at precision ≥ 0.99; see
    /// proxy/Caching/README.md. ONNX models have no measured default here (no weights on the build
    /// machine): 0.95 is a conservative guess to be re-measured with the model.
    /// </summary>
    public static double EmbedderDefault(string embedderId) =>
        embedderId.StartsWith("hashing", StringComparison.Ordinal) ? 0.93 : 0.95;

    public static double For(CacheOptions options, TeamIdentity team, string model, string embedderId, double? requested)
    {
        var threshold = team.Options.Cache?.Threshold
            ?? (options.ModelThresholds.TryGetValue(model, out var byModel) ? byModel : options.Threshold)
            ?? EmbedderDefault(embedderId);
        // A request may only make it stricter.
        return requested is { } r && r > threshold ? r : threshold;
    }
}
