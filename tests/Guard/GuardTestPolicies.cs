using LlmGateway.Guard;

namespace LlmGateway.Tests.Guard;

/// <summary>Policies for unit tests: every category on with one action.</summary>
internal static class GuardTestPolicies
{
    public static GuardPolicy All(string action = "redact", TeamGuardOptions? options = null) =>
        GuardPolicies.Build((options ?? new TeamGuardOptions()) with { Default = action }, "");

    /// <summary>The texts the policy finds in <paramref name="text"/> for <paramref name="category"/>.</summary>
    public static List<string> Found(string text, GuardCategory category, GuardPolicy? policy = null)
    {
        var findings = new List<Finding>();
        (policy ?? All()).Detect(text, findings);
        return findings.Where(f => f.Category == category).Select(f => text.Substring(f.Start, f.Length)).ToList();
    }
}
