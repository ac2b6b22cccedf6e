using System.Globalization;
using LlmGateway.Budgets.Accounts;
using LlmGateway.Budgets.RateLimiting;
using LlmGateway.Gateway;

namespace LlmGateway.Budgets;

/// <summary>The OpenAI-shaped refusals of the budgets step.</summary>
internal static class BudgetErrors
{
    public const string BudgetExceeded = "budget_exceeded";
    public const string ResetHeader = "x-budget-reset";
    public const string MaxTokensExceeded = "max_tokens_exceeded";

    public static Task BudgetAsync(HttpContext context, BudgetRejection r, DateTimeOffset now)
    {
        if (r.StorageUnavailable)
            return LedgerUnavailableAsync(context, r.ResetsAt - now);
        var who = r.KeyId is null ? $"Team '{r.Team}'" : $"Key '{r.KeyId}' of team '{r.Team}'";
        var period = PeriodCalendar.Name(r.Period) switch { "day" => "daily", "week" => "weekly", _ => "monthly" };
        var limit = r.LimitUsd is { } usd
            ? string.Create(CultureInfo.InvariantCulture, $"{period} budget of ${usd:0.00####} (spent ${r.SpentUsd:0.00####})")
            : string.Create(CultureInfo.InvariantCulture, $"{period} token budget of {r.LimitTokens} tokens");
        var local = TimeZoneInfo.ConvertTime(r.ResetsAt, r.Zone);
        var message = string.Create(CultureInfo.InvariantCulture,
            $"{who} has reached its {limit}; this request's maximum cost does not fit. The {PeriodCalendar.Name(r.Period)} budget resets at {local:yyyy-MM-dd HH:mm} {r.Zone.Id} ({r.ResetsAt.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}).");
        context.Response.Headers.RetryAfter = Seconds(r.ResetsAt - now);
        context.Response.Headers[ResetHeader] = r.ResetsAt.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
        return OpenAiError.WriteAsync(context, StatusCodes.Status429TooManyRequests, message, BudgetExceeded, code: BudgetExceeded);
    }

    public static Task RateLimitAsync(HttpContext context, string team, RateLimitDecision d)
    {
        var tokens = d.Rejected == RejectionReason.RateLimitTokens;
        var what = tokens ? $"tokens per min (TPM): Limit {d.LimitTokens}, Remaining {d.RemainingTokens}" : $"requests per min (RPM): Limit {d.LimitRequests}, Remaining {d.RemainingRequests}";
        var message = $"Rate limit reached for team '{team}' on {what}. Please try again in {RateLimitDecision.Duration(d.RetryAfter)}.";
        context.Response.Headers.RetryAfter = Seconds(d.RetryAfter);
        return OpenAiError.WriteAsync(context, StatusCodes.Status429TooManyRequests, message, tokens ? "tokens" : "requests", code: "rate_limit_exceeded");
    }

    /// <summary>403: the request is well-formed, but the gateway's policy forbids spending on a model it cannot price (like <c>model_not_allowed</c>).</summary>
    public static Task UnpricedAsync(HttpContext context, string model) =>
        OpenAiError.WriteAsync(context, StatusCodes.Status403Forbidden,
            $"Model '{model}' has no price configured (Gateway:Prices), and the gateway blocks unpriced models so that no spend goes unaccounted.",
            OpenAiError.Permission, "model", "model_not_priced");

    /// <summary>503: the ledger's storage is failing and <c>Gateway:Accounting:OnLedgerFailure</c> is <c>refuse</c>; nothing was forwarded or charged.</summary>
    public static Task LedgerUnavailableAsync(HttpContext context, TimeSpan retryAfter)
    {
        context.Response.Headers.RetryAfter = Seconds(retryAfter);
        return OpenAiError.WriteAsync(context, StatusCodes.Status503ServiceUnavailable,
            "The gateway cannot record usage right now (its ledger storage is failing), so it does not forward requests that would be billed. Nothing was sent to the provider; please retry.",
            "service_unavailable", code: "ledger_unavailable");
    }

    /// <summary>
    /// The SSE event that ends a stream the provider ran past its output cap (<see cref="StreamOverrunGuard"/>): an error
    /// event as OpenAI sends one mid-stream, with no <c>[DONE]</c> after it, so SDKs raise it instead of returning a cut answer.
    /// </summary>
    public static byte[] StreamOverrunEvent(long reservedTokens, long deliveredTokens)
    {
        var message = string.Create(CultureInfo.InvariantCulture,
            $"The provider kept generating past this request's output cap of {reservedTokens} tokens (max_tokens, or the model's cap when none was set). The gateway ended the answer after about {deliveredTokens} output tokens so that spend stays within the budget reserved for it.");
        var error = OpenAiError.Serialize(message, OpenAiError.Upstream, null, MaxTokensExceeded);
        var sseEvent = new byte[error.Length + 8];
        "data: "u8.CopyTo(sseEvent);
        error.CopyTo(sseEvent, 6);
        "\n\n"u8.CopyTo(sseEvent.AsSpan(6 + error.Length));
        return sseEvent;
    }

    private static string Seconds(TimeSpan span) =>
        Math.Max(1, (long)Math.Ceiling(span.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
}
