using LlmGateway.Auth;
using LlmGateway.Budgets.Accounts;
using LlmGateway.Budgets.Ledger;
using LlmGateway.Budgets.Pricing;
using LlmGateway.Budgets.RateLimiting;
using LlmGateway.Budgets.Usage;
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
    IBudgetStore engine,
    TeamRateLimiter limiter,
    Settler settler,
    ILedgerStore ledger,
    TextTokenCounter tokens,
    BudgetMetrics metrics,
    TimeProvider time,
    ILogger<BudgetMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var exchange = context.Features.GetRequiredFeature<IBudgetsExchange>();
        var team = exchange.Team;
        var request = exchange.Request;
        var config = configs.Current;
        // Money fails closed: while the ledger cannot make records durable, nothing that would need one is forwarded.
        if (config.Active && config.Accounting.OnLedgerFailure == LedgerFailurePolicy.Refuse && ledger.Fault is not null)
        {
            Reject(team, RejectionReason.LedgerUnavailable);
            await BudgetErrors.LedgerUnavailableAsync(context, TimeSpan.FromMilliseconds(config.Accounting.LedgerRetryMs));
            return;
        }
        var limits = config.RateLimitFor(team.Team);
        var estimate = request.Model is null || (!config.Active && limits is null) ? default : EstimateFor(request, context.Request.ContentLength, config, out _);

        var decision = limiter.Admit(team.Team, limits, request.Model is null ? 0 : estimate.RateLimitTokens(request.Body));
        if (decision is not null)
        {
            decision.WriteHeaders(exchange.HeadersOnStart);
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
                Reject(team, rejection!.StorageUnavailable ? RejectionReason.LedgerUnavailable : RejectionReason.Budget);
                await BudgetErrors.BudgetAsync(context, rejection, now);
                return;
            }
        }

        // With accounting on, pass-through calls (no model) are recorded too, at cost 0: every forward ends in one ledger record.
        var needUsage = config.Active || (request.Model is not null && limits?.Tpm is not null);
        if (!needUsage)
        {
            try
            {
                await next(context);
            }
            finally
            {
                if (reservation is not null)
                    engine.Release(reservation);
            }
            return;
        }

        // The capture itself is the capture step's, created right before the forward (so upstream time starts there);
        // budgets only say what the forward must add for settlement. The parsed body is not touched.
        var hideUsage = StreamUsage.MustAskFor(request);
        exchange.PlanForward(new ForwardPlan(hideUsage, hideUsage ? StreamUsage.IsUsageOnlyEvent : null,
            StreamOverrunGuard.For(context, request, team.Team, reservation, estimate.CompletionUpperBound, config.Accounting, metrics, logger)));
        var settlement = new PendingSettlement(settler, context, exchange, config, policy, reservation, decision);
        var originalBody = context.Features.GetRequiredFeature<IHttpResponseBodyFeature>();
        context.Features.Set<IHttpResponseBodyFeature>(new SettlingResponseBody(originalBody, hideUsage, settlement.SettleAsync));
        try
        {
            await next(context);
        }
        finally
        {
            context.Features.Set(originalBody);
            await settlement.SettleAsync();
        }
    }

    private void Reject(TeamIdentity team, RejectionReason reason)
    {
        metrics.Rejected(team.Team, reason);
        if (logger.IsEnabled(LogLevel.Information))
            BudgetsLog.Rejected(logger, team.Team, team.KeyId, RejectionReasons.Label(reason));
    }

    private RequestEstimate EstimateFor(GatewayRequest request, long? contentLength, BudgetsConfig config, out ModelPrice? price)
    {
        price = config.Prices.Find(request.Model!.Primary);
        return RequestEstimate.For(request, contentLength, price?.MaxOutputTokens, config.Accounting.DefaultMaxOutputTokens,
            config.Prices.Tokenizer(request.Model), tokens);
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
