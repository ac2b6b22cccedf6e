using System.Collections.Frozen;
using LlmGateway.Gateway;

namespace LlmGateway.Budgets;

/// <summary>
/// The per-team settings budgets owns, <c>Gateway:Teams:{team}:Budget</c> and <c>Gateway:Teams:{team}:RateLimit</c>:
/// bound and validated here (<see cref="BudgetsValidator"/>), once per configuration generation. Immutable; both
/// reload without a restart.
/// </summary>
internal sealed class BudgetsSettings
{
    public const string BudgetSection = "Budget";
    public const string RateLimitSection = "RateLimit";

    public static readonly BudgetsSettings None = new(FrozenDictionary<string, BudgetOptions>.Empty, FrozenDictionary<string, RateLimitOptions>.Empty);

    private readonly FrozenDictionary<string, RateLimitOptions> _rateLimits;

    private BudgetsSettings(FrozenDictionary<string, BudgetOptions> budgets, FrozenDictionary<string, RateLimitOptions> rateLimits)
    {
        Budgets = budgets;
        _rateLimits = rateLimits;
    }

    /// <summary>The teams that have a <c>Budget</c> section, by team name.</summary>
    public FrozenDictionary<string, BudgetOptions> Budgets { get; }

    /// <summary>The team's rate limits; null when it has none.</summary>
    public RateLimitOptions? RateLimitFor(string team) => _rateLimits.GetValueOrDefault(team);

    /// <summary>Binds and validates every team's budget and rate limits; one error per problem, naming its key.</summary>
    public static BudgetsSettings Bind(TeamSections teams, List<string> errors)
    {
        var budgets = teams.Bind<BudgetOptions>(BudgetSection, errors);
        foreach (var (team, budget) in budgets)
            BudgetsValidator.ValidateBudget(TeamSections.Key(team, BudgetSection), budget, errors);
        var rateLimits = teams.Bind<RateLimitOptions>(RateLimitSection, errors);
        foreach (var (team, rate) in rateLimits)
            BudgetsValidator.ValidateRateLimit(TeamSections.Key(team, RateLimitSection), rate, errors);
        return new BudgetsSettings(budgets.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase), rateLimits.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase));
    }
}
