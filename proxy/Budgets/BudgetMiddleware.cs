using LlmGateway.Auth;
using LlmGateway.Budgets.Accounts;
using LlmGateway.Budgets.Ledger;
using LlmGateway.Budgets.Notifications;
using LlmGateway.Budgets.Pricing;
using LlmGateway.Budgets.RateLimiting;
using LlmGateway.Budgets.Usage;
using LlmGateway.Caching;
using LlmGateway.Capture;
using LlmGateway.Gateway;
using LlmGateway.Routing;

namespace LlmGateway.Budgets;

/// <summary>
/// The proxy-pipeline step after parsing, before the cache and the forward: rate limits, pricing, the budget
/// reservation (worst case) and, after the answer, settlement to the real cost and the ledger record.
/// </summary>
internal sealed class BudgetMiddleware(
    RequestDelegate next,
    BudgetsConfigProvider configs,
    BudgetEngine engine,
    TeamRateLimiter limiter,
    LedgerKeeper ledger,
    ThresholdNotifier notifier,
    BudgetMetrics metrics,
    GatewayConfigStore store,
    TimeProvider time,
    ILogger<BudgetMiddleware> logger)
{
    private static readonly Func<object, Task> WriteRateLimitHeaders = static state =>
    {
        var (response, decision) = ((HttpResponse, RateLimitDecision))state;
        decision.WriteHeaders(response.Headers);
        return Task.CompletedTask;
    };

    public async Task InvokeAsync(HttpContext context)
    {
        var team = context.Features.Get<TeamIdentity>();
        var request = context.Features.Get<GatewayRequest>();
        if (team is null || request is null)
        {
            await next(context);
            return;
        }
        var config = configs.Current;
        var limits = team.Options.RateLimit;
        var estimate = request.Model is null || (!config.Active && limits is null) ? default : EstimateFor(request, context.Request.ContentLength, config, out _);

        var decision = limiter.Admit(team.Team, limits, request.Model is null ? 0 : estimate.RateLimitTokens(request.Body));
        if (decision is not null)
        {
            context.Response.OnStarting(WriteRateLimitHeaders, (context.Response, decision));
            if (decision.Rejected is { } reason)
            {
                Reject(team, reason);
                await BudgetErrors.RateLimitAsync(context, team.Team, decision);
                return;
            }
        }

        var policy = config.PolicyFor(team.Team);
        Reservation? reservation = null;
        if (request.Model is { } route && config.Active)
        {
            var price = ReservationPrice(config, route, out var unpriced);
            if (price is null)
            {
                limiter.Settle(team.Team, limits, decision?.TokensTaken ?? 0, 0);
                Reject(team, RejectionReason.Unpriced);
                await BudgetErrors.UnpricedAsync(context, unpriced!);
                return;
            }
            var now = time.GetUtcNow();
            var usd = price.Cost(estimate.PromptUpperBound, 0, estimate.CompletionUpperBound);
            reservation = engine.TryReserve(team.Team, team.KeyId, policy, usd, estimate.TokensUpperBound, now, out var rejection);
            if (reservation is null)
            {
                limiter.Settle(team.Team, limits, decision?.TokensTaken ?? 0, 0);
                Reject(team, RejectionReason.Budget);
                await BudgetErrors.BudgetAsync(context, rejection!, now);
                return;
            }
        }

        var needUsage = request.Model is not null && (config.Active || limits?.Tpm is not null);
        var capture = context.Features.Get<CapturedResponse>();
        if (capture is null && needUsage)
        {
            capture = new CapturedResponse(store.Current.Options.Limits.MaxCaptureBytes, time.GetTimestamp());
            context.Features.Set(capture);
        }
        IHttpResponseBodyFeature? originalBody = null;
        if (needUsage && StreamUsage.InjectIfMissing(request))
        {
            capture!.HoldBackEvent = StreamUsage.IsUsageOnlyEvent;
            originalBody = context.Features.GetRequiredFeature<IHttpResponseBodyFeature>();
            context.Features.Set<IHttpResponseBodyFeature>(new UsageNullStrippingBody(originalBody));
        }

        var address = -1L;
        try
        {
            await next(context);
        }
        finally
        {
            if (originalBody is not null)
                context.Features.Set(originalBody);
            if (needUsage)
                address = Settle(context, request, team, config, policy, reservation, decision, capture!);
            else if (reservation is not null)
                BudgetEngine.Release(reservation);
        }
        if (address >= 0 && config.Accounting.AwaitCommit)
            await ledger.Ledger.WaitCommittedAsync(address, CancellationToken.None);
    }

    /// <summary>Records the request's real usage and cost; returns its ledger address (-1 when nothing was recorded).</summary>
    private long Settle(HttpContext context, GatewayRequest request, TeamIdentity team, BudgetsConfig config, BudgetPolicy policy,
        Reservation? reservation, RateLimitDecision? decision, CapturedResponse capture)
    {
        var settled = false;
        try
        {
            var record = BuildRecord(context, request, team, config, capture);
            limiter.Settle(team.Team, team.Options.RateLimit, decision?.TokensTaken ?? 0, record?.BilledTokens ?? 0);
            if (record is null || !config.Active)
            {
                settled = true;
                if (reservation is not null)
                    BudgetEngine.Release(reservation);
                return -1;
            }
            var crossings = engine.Settle(reservation, policy, record, record.Time);
            settled = true;
            metrics.Settled(record.Team, record.Model, record.CostUsd, record.SavedUsd,
                record.CacheResult == CacheResult.Hit ? 0 : record.PromptTokens, record.CacheResult == CacheResult.Hit ? 0 : record.CachedPromptTokens,
                record.CacheResult == CacheResult.Hit ? 0 : record.CompletionTokens);
            if (crossings is not null)
                Notify(policy, crossings);
            return ledger.Ledger.Append(record);
        }
        catch (Exception ex)
        {
            if (reservation is not null && !settled)
                BudgetEngine.Release(reservation);
            BudgetsLog.LedgerAppendFailed(logger, ex, context.TraceIdentifier);
            return -1;
        }
    }

    private UsageRecord? BuildRecord(HttpContext context, GatewayRequest request, TeamIdentity team, BudgetsConfig config, CapturedResponse capture)
    {
        var route = request.Model!;
        var now = time.GetUtcNow();
        if (context.Features.Get<CacheFeature>() is { Result: CacheResult.Hit } hit)
        {
            var saved = hit.SavedUsage ?? TokenUsage.None;
            var price = config.Prices.Find(route.Primary) ?? ModelPrice.Zero;
            return new UsageRecord(now, team.Team, team.KeyId, route.Primary.Model, "cache", saved.PromptTokens, saved.CachedPromptTokens, saved.CompletionTokens,
                0m, price.Cost(saved), CacheResult.Hit, saved.Estimated, context.TraceIdentifier);
        }
        var attempt = context.Features.Get<UpstreamAttempt>();
        var status = capture.FirstByteTimestamp is null ? context.Response.StatusCode : capture.StatusCode;
        if (attempt is null || status is < 200 or >= 300)
            return null; // never reached a provider, or the provider refused: providers do not bill errors
        var usage = UsageParser.Parse(capture);
        if (usage is null)
        {
            usage = new TokenUsage(TokenEstimator.Prompt(request.Body), 0, TokenEstimator.Completion(capture.Body, capture.IsEventStream), Estimated: true);
            metrics.Estimated(team.Team);
            BudgetsLog.UsageEstimated(logger, context.TraceIdentifier, usage.PromptTokens, usage.CompletionTokens);
        }
        var target = attempt.Target;
        var modelPrice = config.Prices.Find(target);
        if (modelPrice is null && config.Active)
        {
            metrics.Unpriced(team.Team, target.Model);
            BudgetsLog.UnpricedModel(logger, target.Model);
        }
        var cacheResult = context.Features.Get<CacheFeature>()?.Result ?? CacheResult.Bypass;
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

    private void Reject(TeamIdentity team, RejectionReason reason)
    {
        metrics.Rejected(team.Team, reason);
        if (logger.IsEnabled(LogLevel.Information))
            BudgetsLog.Rejected(logger, team.Team, team.KeyId, RejectionReasons.Label(reason));
    }

    private static RequestEstimate EstimateFor(GatewayRequest request, long? contentLength, BudgetsConfig config, out ModelPrice? price)
    {
        price = config.Prices.Find(request.Model!.Primary);
        return RequestEstimate.For(request, contentLength, price?.MaxOutputTokens, config.Accounting.DefaultMaxOutputTokens);
    }

    /// <summary>The highest price among the model and its fallbacks (any of them may answer); null when one has none and unpriced models are blocked.</summary>
    private static ModelPrice? ReservationPrice(BudgetsConfig config, ModelRoute route, out string? unpriced)
    {
        unpriced = null;
        ModelPrice? result = null;
        foreach (var target in route.Candidates)
        {
            var price = config.Prices.Find(target);
            if (price is null)
            {
                if (config.Accounting.UnpricedModels == UnpricedModelPolicy.Block)
                {
                    unpriced = target.Model;
                    return null;
                }
                price = ModelPrice.Zero;
            }
            result = result is null ? price : result.Max(price);
        }
        return result;
    }
}
