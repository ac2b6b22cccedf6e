using System.Text.Json;
using System.Text.Json.Serialization;

namespace LlmGateway.Caching;

/// <summary>
/// A hit decision measured for one embedder by <c>bench -- cache-verifier</c> and shipped as data
/// (<c>Caching/HitDecisions/*.json</c>, embedded): the cosine bar for candidates, the verifier (a logistic regression's weights or a tree ensemble) and the rule for
/// scripts the model cannot read. Valid only for vectors of <see cref="EmbedderId"/> (its full id, content hash included).
/// </summary>
internal sealed record HitDecisionData
{
    /// <summary>The <c>ITextEmbedder.ModelId</c> it was measured with; never applied to another embedder.</summary>
    public required string EmbedderId { get; init; }

    /// <summary>Lowest cosine for a candidate hit (the operating point's threshold).</summary>
    public required double Threshold { get; init; }

    public VerifierData? Verifier { get; init; }

    /// <summary>The rule for pairs in other scripts (<see cref="OtherScripts"/>): null bar = equal after normalisation only.</summary>
    public double? OtherScriptMinBigramDice { get; init; }

    /// <summary>
    /// Whether the operating point met issue 12's goals on the dev split (QQP precision ≥ 0.90 with recall ≥ 0.20,
    /// PAWS-X en precision ≥ 0.95): only then is it the default (<c>Gateway:Cache:Semantic</c> = auto).
    /// </summary>
    public bool MeetsGoals { get; init; }

    /// <summary>
    /// The verified cache's answer-similarity bar for this embedder (<c>bench -- answer-equivalence --write</c>): two long
    /// answers are the same when their cosine reaches it. Null: not measured, or no bar reached the precision asked, and
    /// then only answers equal after normalisation are the same. Files written before it existed read as null.
    /// </summary>
    public double? AnswerSimilarityBar { get; init; }

    /// <summary>The command that measured <see cref="AnswerSimilarityBar"/> and its figures, for people (not read by the gateway).</summary>
    public string? AnswerSimilarityCommand { get; init; }

    public Dictionary<string, string>? AnswerSimilarity { get; init; }

    /// <summary>The command that measured it and its dev and held-out figures, for people (not read by the gateway).</summary>
    public string? Command { get; init; }

    public Dictionary<string, string>? Dev { get; init; }

    public Dictionary<string, string>? HeldOut { get; init; }

    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase, WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        // The figures are for people: "≥", "µs" and quotes as they are, not \u escapes (the file is data, never HTML).
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static HitDecisionData Parse(string json) => JsonSerializer.Deserialize<HitDecisionData>(json, Json) ?? throw new JsonException("empty hit decision");

    public string ToJson() => JsonSerializer.Serialize(this, Json);
}
