using LlmGateway.Budgets.Accounts;
using LlmGateway.Budgets.Ledger;
using LlmGateway.Budgets.Notifications;
using LlmGateway.Budgets.Pricing;
using LlmGateway.Budgets.RateLimiting;
using LlmGateway.Budgets.Usage;
using LlmGateway.Caching;
using LlmGateway.Capture;
using LlmGateway.Gateway;

namespace LlmGateway.Budgets;

/// <summary>After the answer: usage (reported or estimated), the real cost of the model that answered, settlement, the ledger record, thresholds.</summary>
internal sealed class Settler(
    IBudgetStore engine,
    TeamRateLimiter limiter,
    ILedgerStore ledger,
    ThresholdNotifier notifier,
    TextTokenCounter tokens,
    BudgetMetrics metrics,
    TimeProvider time,
    ILogger<Settler> logger)
{
    /// <summary>
    /// Completes when the record is committed, or when the ledger fails first: the record is then held in memory
    /// (written when storage returns, or counted as lost at shutdown), which the keeper logs once per fault episode.
    /// </summary>
    public static Task WaitDurableAsync(LedgerEntry entry) => entry.Durable;

    /// <summary>Records the request's real usage and cost; returns its ledger entry (null when nothing was recorded).</summary>
    public LedgerEntry? Settle(HttpContext context, IGatewayExchange exchange, BudgetsConfig config, BudgetPolicy policy,
        Reservation? reservation, RateLimitDecision? decision)
    {
        var settled = false;
        var team = exchange.Team;
        try
        {
            var record = BuildRecord(context, exchange, config);
            limiter.Settle(team.Team, config.RateLimitFor(team.Team), decision?.TokensTaken ?? 0, record?.BilledTokens ?? 0);
            if (record is null || !config.Active)
            {
                settled = true;
                if (reservation is not null)
                    engine.Release(reservation);
                return null;
            }
            var crossings = engine.Settle(reservation, policy, record, record.Time);
            settled = true;
            metrics.Settled(record.Team, record.Model, record.CostUsd, record.SavedUsd,
                record.CacheResult == CacheResult.Hit ? 0 : record.PromptTokens, record.CacheResult == CacheResult.Hit ? 0 : record.CachedPromptTokens,
                record.CacheResult == CacheResult.Hit ? 0 : record.CompletionTokens);
            if (crossings is not null)
                Notify(policy, crossings);
            return ledger.Append(record);
        }
        catch (Exception ex)
        {
            if (reservation is not null && !settled)
                engine.Release(reservation);
            BudgetsLog.LedgerAppendFailed(logger, ex, context.TraceIdentifier);
            return null;
        }
    }

    private UsageRecord? BuildRecord(HttpContext context, IGatewayExchange exchange, BudgetsConfig config)
    {
        var (team, request) = (exchange.Team, exchange.Request);
        var route = request.Model;
        var now = time.GetUtcNow();
        if (route is not null && exchange.Cache is { Result: CacheResult.Hit } hit)
        {
            var saved = hit.SavedUsage ?? TokenUsage.None;
            var price = config.Prices.Find(route.Primary) ?? ModelPrice.Zero;
            return new UsageRecord(now, team.Team, team.KeyId, route.Primary.Model, "cache", saved.PromptTokens, saved.CachedPromptTokens, saved.CompletionTokens,
                0m, price.Cost(saved), CacheResult.Hit, saved.Estimated, context.TraceIdentifier);
        }
        var attempt = exchange.Attempt;
        // The capture step runs before the forward, so every attempt has a capture.
        if (attempt is null || exchange.Capture is not { } capture)
            return null;
        var status = capture.FirstByteTimestamp is null ? context.Response.StatusCode : capture.StatusCode;
        if (status is < 200 or >= 300)
            return null; // never reached a provider, or the provider refused: providers do not bill errors
        var target = attempt.Target;
        if (route is null)
            return new UsageRecord(now, team.Team, team.KeyId, UsageRecord.PassThroughModel, target.Provider.Name, 0, 0, 0, 0m, 0m, CacheResult.Bypass, false, context.TraceIdentifier);
        var usage = UsageParser.Parse(capture);
        // A stream the gateway cut is charged what its guard counted as delivered: that count errs high, and unlike
        // chars/4 of the captured JSON it is not inflated by escapes, so the record stays within the stated bound.
        var cut = capture.CutShort ? capture.Cutoff as StreamOverrunGuard : null;
        if (usage is null)
        {
            var tokenizer = config.Prices.Find(target)?.Tokenizer ?? TokenizerKind.Bytes;
            var completion = cut?.DeliveredTokens ?? TokenEstimator.Completion(capture.Body, capture.IsEventStream, tokenizer, tokens);
            usage = new TokenUsage(TokenEstimator.Prompt(request.Body, tokenizer, tokens), 0, completion, Estimated: true);
            metrics.Estimated(team.Team);
            BudgetsLog.UsageEstimated(logger, context.TraceIdentifier, usage.PromptTokens, usage.CompletionTokens);
        }
        else if (cut is not null && cut.DeliveredTokens > usage.CompletionTokens)
            usage = usage with { CompletionTokens = cut.DeliveredTokens, Estimated = true };
        var modelPrice = config.Prices.Find(target);
        if (modelPrice is null && config.Active)
        {
            metrics.Unpriced(team.Team, target.Model);
            BudgetsLog.UnpricedModel(logger, target.Model);
        }
        var cacheResult = exchange.Cache?.Result ?? CacheResult.Bypass;
        return new UsageRecord(now, team.Team, team.KeyId, target.Model, target.Provider.Name, usage.PromptTokens, usage.CachedPromptTokens, usage.CompletionTokens,
            (modelPrice ?? ModelPrice.Zero).Cost(usage), 0m, cacheResult, usage.Estimated, context.TraceIdentifier);
    }

    private void Notify(BudgetPolicy policy, List<ThresholdCrossing> crossings)
    {
        foreach (var crossing in crossings)
        {
            BudgetsLog.SoftThreshold(logger, crossing.Team, crossing.Percent, PeriodCalendar.Name(crossing.Period), crossing.SpentUsd, crossing.LimitUsd);
            metrics.ThresholdCrossed(crossing);
            if (policy.Webhook is { } webhook)
                notifier.Enqueue(new ThresholdNotification(webhook, crossing, policy.Zone.Id));
        }
    }

}
