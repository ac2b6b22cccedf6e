using System.Text;
using System.Text.Json.Nodes;

namespace LlmGateway.Guard;

/// <summary>
/// Runs a policy over a request body: counts what it finds per category and, unless something is blocked, replaces
/// the values of categories set to <c>redact</c> with placeholders. A pure function of the body and the policy.
/// </summary>
internal sealed class GuardInspection
{
    private GuardInspection(int[] counts, GuardPolicy policy, PlaceholderMap placeholders)
    {
        Counts = counts;
        Policy = policy;
        Placeholders = placeholders;
    }

    /// <summary>Values found per category (indexed by <see cref="GuardCategory"/>).</summary>
    public int[] Counts { get; }

    public GuardPolicy Policy { get; }

    /// <summary>The placeholders put into the body; empty when nothing was redacted.</summary>
    public PlaceholderMap Placeholders { get; }

    public bool Found => Counts.Any(c => c > 0);

    public IEnumerable<GuardCategory> FoundWith(GuardAction action) =>
        GuardCategories.All.Where(c => Counts[(int)c] > 0 && Policy.ActionFor(c) == action);

    public bool Blocked => FoundWith(GuardAction.Block).Any();

    /// <summary>Inspects <paramref name="body"/> and, when nothing is blocked, redacts it in place.</summary>
    /// <returns>Whether the body was edited.</returns>
    public static GuardInspection Run(JsonObject body, GuardPolicy policy, out bool edited)
    {
        var counts = new int[GuardCategories.All.Length];
        var findings = new List<Finding>();
        var placeholders = new PlaceholderMap();
        // Redacted texts in visit order: the walk is deterministic, so a second walk puts them back without rescanning.
        var redacted = new List<string>();
        var changed = false;
        PromptTexts.Rewrite(body, text =>
        {
            policy.Detect(text, findings);
            foreach (var finding in findings)
                counts[(int)finding.Category]++;
            var result = findings.Count == 0 ? text : Redact(text, findings, policy, placeholders);
            changed |= !ReferenceEquals(result, text);
            redacted.Add(result);
            return text;
        });
        var inspection = new GuardInspection(counts, policy, placeholders);
        edited = changed && !inspection.Blocked;
        if (!edited)
            return new GuardInspection(counts, policy, new PlaceholderMap());
        var index = 0;
        PromptTexts.Rewrite(body, _ => redacted[index++]);
        return inspection;
    }

    public static string Redact(string text, List<Finding> findings, GuardPolicy policy, PlaceholderMap placeholders)
    {
        StringBuilder? builder = null;
        var copied = 0;
        foreach (var finding in findings)
        {
            if (policy.ActionFor(finding.Category) != GuardAction.Redact)
                continue;
            builder ??= new StringBuilder(text.Length);
            builder.Append(text, copied, finding.Start - copied);
            builder.Append(placeholders.PlaceholderFor(text.Substring(finding.Start, finding.Length), finding.Category));
            copied = finding.End;
        }
        if (builder is null)
            return text;
        builder.Append(text, copied, text.Length - copied);
        return builder.ToString();
    }
}
