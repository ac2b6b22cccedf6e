using LlmGateway.Budgets.Usage;
using LlmGateway.Gateway;

namespace LlmGateway.Budgets;

/// <summary>
/// Validates what budgets owns: prices and <c>Gateway:Accounting</c> here, each team's budget and rate limits when
/// <see cref="BudgetsSettings"/> binds them. Adds one error per problem, naming its key.
/// </summary>
internal static class BudgetsValidator
{
    public static void Validate(GatewayOptions options, IConfiguration configuration, List<string> errors)
    {
        foreach (var (model, price) in options.Prices)
        {
            var key = $"Gateway:Prices:{model}";
            if (price.InputPer1M < 0) errors.Add($"{key}:InputPer1M: must not be negative.");
            if (price.CachedInputPer1M < 0) errors.Add($"{key}:CachedInputPer1M: must not be negative.");
            if (price.OutputPer1M < 0) errors.Add($"{key}:OutputPer1M: must not be negative.");
            if (price.PerRequest < 0) errors.Add($"{key}:PerRequest: must not be negative.");
            if (price.MaxOutputTokens <= 0) errors.Add($"{key}:MaxOutputTokens: must be positive.");
            if (!TokenizerKinds.TryParse(price.Tokenizer, out _))
                errors.Add($"{key}:Tokenizer: '{price.Tokenizer}' is not one of {TokenizerKinds.Names}.");
        }
        AccountingOptions? accounting = null;
        try
        {
            accounting = configuration.GetSection(AccountingOptions.Section).Get<AccountingOptions>();
        }
        catch (InvalidOperationException ex)
        {
            errors.Add(ex.Message);
        }
        if (accounting is not null)
        {
            if (accounting.DefaultMaxOutputTokens <= 0) errors.Add($"{AccountingOptions.Section}:DefaultMaxOutputTokens: must be positive.");
            if (accounting.CommitIntervalMs is < 1 or > 1000) errors.Add($"{AccountingOptions.Section}:CommitIntervalMs: must be between 1 and 1000.");
            if (accounting.StreamOverrunPercent is < 0 or > 1000) errors.Add($"{AccountingOptions.Section}:StreamOverrunPercent: must be between 0 and 1000.");
            if (accounting.LedgerRetryMs is < 10 or > 600_000) errors.Add($"{AccountingOptions.Section}:LedgerRetryMs: must be between 10 and 600000.");
            if (accounting.CommitTimeoutMs is < 50 or > 600_000) errors.Add($"{AccountingOptions.Section}:CommitTimeoutMs: must be between 50 and 600000.");
            if (accounting.MaxUnrecordedRecords is < 0) errors.Add($"{AccountingOptions.Section}:MaxUnrecordedRecords: must not be negative.");
            if (accounting.StreamOverrunTokens is < 0 or > 1_000_000) errors.Add($"{AccountingOptions.Section}:StreamOverrunTokens: must be between 0 and 1000000.");
        }
    }

    public static void ValidateRateLimit(string key, RateLimitOptions rate, List<string> errors)
    {
        if (rate.Rpm <= 0) errors.Add($"{key}:Rpm: must be positive.");
        if (rate.Tpm <= 0) errors.Add($"{key}:Tpm: must be positive.");
    }

    public static void ValidateBudget(string key, BudgetOptions budget, List<string> errors)
    {
        if (budget.DailyUsd < 0) errors.Add($"{key}:DailyUsd: must not be negative.");
        if (budget.WeeklyUsd < 0) errors.Add($"{key}:WeeklyUsd: must not be negative.");
        if (budget.MonthlyUsd < 0) errors.Add($"{key}:MonthlyUsd: must not be negative.");
        if (budget.DailyTokens < 0) errors.Add($"{key}:DailyTokens: must not be negative.");
        if (budget.WeeklyTokens < 0) errors.Add($"{key}:WeeklyTokens: must not be negative.");
        if (budget.MonthlyTokens < 0) errors.Add($"{key}:MonthlyTokens: must not be negative.");
        for (var i = 0; i < budget.SoftPercents.Count; i++)
        {
            if (budget.SoftPercents[i] is <= 0 or > 1000)
                errors.Add($"{key}:SoftPercents:{i}: must be between 1 and 1000.");
        }
        if (budget.SoftPercents.Count > 31)
            errors.Add($"{key}:SoftPercents: at most 31 thresholds.");
        if (budget.WebhookUrl is { Length: > 0 } url
            && (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")))
            errors.Add($"{key}:WebhookUrl: '{url}' is not an absolute http(s) URL.");
        try
        {
            TimeZoneInfo.FindSystemTimeZoneById(budget.TimeZone);
        }
        catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException or ArgumentException)
        {
            errors.Add($"{key}:TimeZone: '{budget.TimeZone}' is not a known time zone (use an IANA id such as Europe/Berlin).");
        }
        foreach (var (keyId, k) in budget.Keys)
        {
            if (k.DailyUsd < 0 || k.WeeklyUsd < 0 || k.MonthlyUsd < 0)
                errors.Add($"{key}:Keys:{keyId}: limits must not be negative.");
        }
    }
}
