using LlmGateway.Caching;

namespace LlmGateway.Tests.Caching;

/// <summary>
/// The hit decision on texts analysed once (<see cref="HitText"/>, as a lookup checks its candidates) decides exactly as on
/// the strings, for the guard and for the shipped verifier, when one analysed text meets many others in turn.
/// </summary>
public sealed class HitTextTests
{
    private static readonly string[] Questions =
    [
        "How do I reset my password?", "how do I reset my password", "How do I reset my router password?",
        "What was the inflation rate in 2023?", "What was the inflation rate in 2024?", "Can't I cancel my order?",
        "Can I cancel my order?", "Is C++ hard to learn?", "Is C# hard to learn?", "How do I convert Celsius to Fahrenheit?",
        "How do I convert Fahrenheit to Celsius?", "パスワードをリセットする方法は？", "パスワードをリセットする方法はありませんか？",
        "Question 17: how do I rotate the keys of my project?", "Question 18: how do I rotate the keys of my project?",
    ];

    public static TheoryData<string> Decisions => new() { "guard", "verifier" };

    [Theory]
    [MemberData(nameof(Decisions))]
    public void Analysed_once_decides_as_the_strings(string kind)
    {
        var decision = kind == "guard" ? HitDecision.Guard
            : HitDecision.For(Assert.Single(HitDecisions.All, d => d.EmbedderId.StartsWith("onnx-all-MiniLM-L6-v2-", StringComparison.Ordinal)), useVerifier: true);
        Assert.Equal(kind == "verifier", decision.UsesVerifier);
        var texts = Questions.Select(q => new HitText(q)).ToArray();
        foreach (var cosine in new[] { 0.85, 0.97 })
        {
            for (var i = 0; i < Questions.Length; i++)
            {
                for (var j = 0; j < Questions.Length; j++)
                {
                    Assert.Equal(decision.Allows(Questions[i], Questions[j], cosine), decision.Allows(texts[i], texts[j], cosine));
                    Assert.Equal(decision.Score(Questions[i], Questions[j], cosine), decision.Score(texts[i], texts[j], cosine));
                }
            }
        }
    }
}
