namespace LlmGateway.Guard;

/// <summary>
/// A team's guard settings resolved for one model: the action per category, what to scan for, and the team's own
/// detector. Immutable; built by <see cref="GuardPolicies"/> once per configuration.
/// </summary>
internal sealed class GuardPolicy
{
    private readonly GuardAction[] _actions;
    private readonly CustomDetector? _custom;

    public GuardPolicy(GuardAction[] actions, CustomDetector? custom, bool restore)
    {
        _actions = actions;
        _custom = custom is { IsEmpty: false } ? custom : null;
        Restore = restore;
        var scan = new CategorySet(0);
        foreach (var category in GuardCategories.All)
        {
            if (actions[(int)category] != GuardAction.Off && (category != GuardCategory.Custom || _custom is not null))
                scan = scan.With(category);
        }
        Scanned = scan;
    }

    /// <summary>Categories whose action is not <c>off</c>: when empty, the step does nothing at all.</summary>
    public CategorySet Scanned { get; }

    public bool Restore { get; }

    public GuardAction ActionFor(GuardCategory category) => _actions[(int)category];

    /// <summary>
    /// Findings in <paramref name="text"/>, ordered by position, without overlaps (of two overlapping findings the
    /// earlier wins, then the longer), so that each character is replaced at most once.
    /// </summary>
    public void Detect(string text, List<Finding> findings)
    {
        findings.Clear();
        BuiltInDetectors.Scan(text, Scanned, findings);
        if (Scanned.Contains(GuardCategory.Custom))
            _custom!.Scan(text, findings);
        if (findings.Count < 2)
            return;
        findings.Sort(static (a, b) => a.Start != b.Start ? a.Start.CompareTo(b.Start) : b.Length.CompareTo(a.Length));
        var kept = 0;
        for (var i = 0; i < findings.Count; i++)
        {
            if (kept > 0 && findings[i].Start < findings[kept - 1].End)
                continue;
            findings[kept++] = findings[i];
        }
        findings.RemoveRange(kept, findings.Count - kept);
    }

    public static bool TryParseAction(string? value, out GuardAction action)
    {
        action = GuardAction.Off;
        return value is not null && Enum.TryParse(value.Trim(), ignoreCase: true, out action) && Enum.IsDefined(action)
            && !int.TryParse(value, out _);
    }
}
