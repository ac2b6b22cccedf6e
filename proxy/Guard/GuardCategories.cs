using System.Collections.Frozen;
using System.Collections.Immutable;

namespace LlmGateway.Guard;

/// <summary>Names of <see cref="GuardCategory"/> for config, metric labels and placeholders, computed once.</summary>
internal static class GuardCategories
{
    public static readonly ImmutableArray<GuardCategory> All = [.. Enum.GetValues<GuardCategory>()];

    private static readonly ImmutableArray<string> Labels = [.. All.Select(c => Snake(c.ToString()))];
    private static readonly ImmutableArray<string> Stems = [.. Labels.Select(l => l.ToUpperInvariant())];

    private static readonly FrozenDictionary<string, GuardCategory> ByName =
        All.ToFrozenDictionary(c => c.ToString(), c => c, StringComparer.OrdinalIgnoreCase);

    /// <summary>Metric label and the name used in a block message: <c>credit_card</c>.</summary>
    public static string Label(GuardCategory category) => Labels[(int)category];

    /// <summary>Placeholder stem: <c>CREDIT_CARD</c> in <c>[CREDIT_CARD_1]</c>.</summary>
    public static string Stem(GuardCategory category) => Stems[(int)category];

    /// <summary>Accepts the config name (<c>CreditCard</c>, any case) or the label (<c>credit_card</c>).</summary>
    public static bool TryParse(string name, out GuardCategory category) =>
        ByName.TryGetValue(name.Replace("_", "", StringComparison.Ordinal), out category);

    private static string Snake(string pascal) =>
        string.Concat(pascal.Select((ch, i) => i > 0 && char.IsUpper(ch) ? "_" + char.ToLowerInvariant(ch) : char.ToLowerInvariant(ch).ToString()));
}
