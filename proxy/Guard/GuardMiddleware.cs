using LlmGateway.Gateway;

namespace LlmGateway.Guard;

/// <summary>
/// The proxy-pipeline step that keeps confidential data in: after parsing, before budgets, cache and forward.
/// Blocks (OpenAI-shaped 400 naming categories), redacts the parsed body in place (so the cache keys, stores and the
/// provider sees placeholders), or only counts, per the team's policy for the model. With restore on, the client's
/// response body is wrapped so placeholders become values again on the way out.
/// </summary>
internal sealed class GuardMiddleware(RequestDelegate next, GuardPolicies policies, GatewayConfigStore config, GuardMetrics metrics, ILogger<GuardMiddleware> logger)
{
    public const string BlockedCode = "confidential_data";

    public async Task InvokeAsync(HttpContext context)
    {
        var exchange = context.Features.GetRequiredFeature<IGuardExchange>();
        var request = exchange.Request;
        var team = exchange.Team;
        // The "off" path: one dictionary lookup, no scan.
        if (request.Body is null || policies.For(config.Current.Guard.For(team.Team), request.Model) is not { } policy)
        {
            await next(context);
            return;
        }

        var inspection = GuardInspection.Run(request.Body, policy, out var edited);
        if (!inspection.Found)
        {
            await next(context);
            return;
        }
        Report(team.Team, inspection);
        if (inspection.Blocked)
        {
            var categories = string.Join(", ", inspection.FoundWith(GuardAction.Block).Select(GuardCategories.Label));
            await OpenAiError.WriteAsync(context, StatusCodes.Status400BadRequest,
                $"The gateway's data guard refused this request: it contains {categories}. Remove or mask these values and send it again.",
                OpenAiError.InvalidRequest, code: BlockedCode);
            return;
        }
        if (edited)
            exchange.MarkBodyRedacted();
        if (!edited || !policy.Restore)
        {
            await next(context);
            return;
        }

        // A compressed answer could not be restored byte by byte: ask the provider for an uncompressed one.
        context.Request.Headers.Remove("Accept-Encoding");
        var original = context.Features.GetRequiredFeature<IHttpResponseBodyFeature>();
        var restoring = new RestoringResponseBody(original, context.Response, inspection.Placeholders);
        context.Features.Set<IHttpResponseBodyFeature>(restoring);
        // Restored values change the length.
        exchange.DropContentLengthOnStart();
        try
        {
            await next(context);
            await restoring.FlushPendingAsync();
        }
        finally
        {
            context.Features.Set(original);
        }
    }

    private void Report(string team, GuardInspection inspection)
    {
        foreach (var category in GuardCategories.All)
        {
            if (inspection.Counts[(int)category] > 0)
                metrics.Detected(team, category, inspection.Policy.ActionFor(category), inspection.Counts[(int)category]);
        }
        if (inspection.Blocked)
        {
            metrics.Blocked(team);
            GuardLog.Blocked(logger, team, Labels(inspection, GuardAction.Block));
            return;
        }
        if (inspection.FoundWith(GuardAction.Redact).Any())
            GuardLog.Redacted(logger, team, inspection.Placeholders.Count, Labels(inspection, GuardAction.Redact));
        if (inspection.FoundWith(GuardAction.Log).Any())
            GuardLog.Detected(logger, team, Labels(inspection, GuardAction.Log));
    }

    private static string Labels(GuardInspection inspection, GuardAction action) =>
        string.Join(", ", inspection.FoundWith(action).Select(GuardCategories.Label));
}
