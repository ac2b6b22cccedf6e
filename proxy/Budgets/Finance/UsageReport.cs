using System.Globalization;
using System.Text;
using System.Text.Json;
using LlmGateway.Budgets.Ledger;
using LlmGateway.Caching;

namespace LlmGateway.Budgets.Finance;

/// <summary>Usage between two dates (inclusive, UTC days) grouped by day, team and model; as JSON or CSV. Used by the admin API and the CLI.</summary>
internal static class UsageReport
{
    private static readonly JsonSerializerOptions JsonOptions = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower, WriteIndented = true };

    public static List<UsageRow> Build(IEnumerable<UsageRecord> records, DateOnly from, DateOnly to)
    {
        var groups = new Dictionary<(DateOnly, string, string), UsageRow>();
        foreach (var r in records)
        {
            var day = DateOnly.FromDateTime(r.Time.UtcDateTime);
            if (day < from || day > to)
                continue;
            var key = (day, r.Team, r.Model);
            var hit = r.CacheResult == CacheResult.Hit;
            // A hit's tokens were not sent upstream: saved, not spent (see UsageRow).
            var one = hit
                ? new UsageRow(day, r.Team, r.Model, 1, 0, 0, 0, r.CostUsd, r.PromptTokens, r.CompletionTokens, r.SavedUsd, 1, r.Estimated ? 1 : 0)
                : new UsageRow(day, r.Team, r.Model, 1, r.PromptTokens, r.CachedPromptTokens, r.CompletionTokens, r.CostUsd, 0, 0, r.SavedUsd, 0, r.Estimated ? 1 : 0);
            groups[key] = groups.TryGetValue(key, out var row)
                ? row with
                {
                    Requests = row.Requests + 1,
                    PromptTokens = row.PromptTokens + one.PromptTokens,
                    CachedPromptTokens = row.CachedPromptTokens + one.CachedPromptTokens,
                    CompletionTokens = row.CompletionTokens + one.CompletionTokens,
                    CostUsd = row.CostUsd + one.CostUsd,
                    SavedPromptTokens = row.SavedPromptTokens + one.SavedPromptTokens,
                    SavedCompletionTokens = row.SavedCompletionTokens + one.SavedCompletionTokens,
                    SavedUsd = row.SavedUsd + one.SavedUsd,
                    CacheHits = row.CacheHits + one.CacheHits,
                    EstimatedRequests = row.EstimatedRequests + one.EstimatedRequests,
                }
                : one;
        }
        return groups.Values.OrderBy(r => r.Day).ThenBy(r => r.Team, StringComparer.Ordinal).ThenBy(r => r.Model, StringComparer.Ordinal).ToList();
    }

    public static string Json(List<UsageRow> rows, DateOnly from, DateOnly to) => JsonSerializer.Serialize(new
    {
        from,
        to,
        tokens = "prompt_tokens and completion_tokens were sent to a provider (spent); saved_* tokens were answered from the gateway's cache",
        total_cost_usd = rows.Sum(r => r.CostUsd),
        total_spent_tokens = rows.Sum(r => r.SpentTokens),
        total_saved_usd = rows.Sum(r => r.SavedUsd),
        total_saved_tokens = rows.Sum(r => r.SavedTokens),
        rows,
    }, JsonOptions);

    public static string Csv(List<UsageRow> rows)
    {
        var csv = new StringBuilder("day,team,model,requests,prompt_tokens,cached_prompt_tokens,completion_tokens,cost_usd,saved_prompt_tokens,saved_completion_tokens,saved_usd,cache_hits,estimated_requests\n");
        foreach (var r in rows)
        {
            csv.Append(CultureInfo.InvariantCulture,
                $"{r.Day:yyyy-MM-dd},{Field(r.Team)},{Field(r.Model)},{r.Requests},{r.PromptTokens},{r.CachedPromptTokens},{r.CompletionTokens},{r.CostUsd},{r.SavedPromptTokens},{r.SavedCompletionTokens},{r.SavedUsd},{r.CacheHits},{r.EstimatedRequests}\n");
        }
        return csv.ToString();
    }

    /// <summary>
    /// Missing dates default to the current UTC month (<paramref name="to"/> alone: its month; <paramref name="from"/>
    /// alone: to the end of its month), so a fresh install's first report is not an empty range in the past.
    /// </summary>
    public static bool TryParseDates(string? from, string? to, TimeProvider time, out DateOnly fromDay, out DateOnly toDay, out string? error)
    {
        fromDay = toDay = default;
        error = null;
        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        if (!TryParseDay(from, out var parsedFrom) || !TryParseDay(to, out var parsedTo))
        {
            error = "'from' and 'to' must be dates as yyyy-MM-dd.";
            return false;
        }
        var anchor = parsedFrom ?? parsedTo ?? today;
        fromDay = parsedFrom ?? new DateOnly(anchor.Year, anchor.Month, 1);
        toDay = parsedTo ?? new DateOnly(fromDay.Year, fromDay.Month, DateTime.DaysInMonth(fromDay.Year, fromDay.Month));
        if (toDay < fromDay)
            error = "'to' must not be before 'from'.";
        return error is null;
    }

    private static bool TryParseDay(string? text, out DateOnly? day)
    {
        day = null;
        if (string.IsNullOrEmpty(text))
            return true;
        if (!DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed))
            return false;
        day = parsed;
        return true;
    }

    private static string Field(string value) =>
        value.AsSpan().IndexOfAny(",\"\n\r") >= 0 ? "\"" + value.Replace("\"", "\"\"") + "\"" : value;
}
