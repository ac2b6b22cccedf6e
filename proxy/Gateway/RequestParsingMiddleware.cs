using System.Text.Json;
using System.Text.Json.Nodes;
using LlmGateway.Auth;
using Microsoft.AspNetCore.Http.Features;

namespace LlmGateway.Gateway;

/// <summary>
/// The gate of the forward path: decides whether the request may reach a provider at all (<see cref="ForwardingRules"/>),
/// reads and parses the body once (within the size limits), validates what the gateway relies on, resolves the model
/// and checks the team may use it. Creates the request's <see cref="GatewayExchange"/> (team and parsed request).
/// </summary>
internal sealed class RequestParsingMiddleware(RequestDelegate next, GatewayConfigStore config, RequestBodyGate bodyGate)
{
    private const int MaxDepth = 128;
    private static readonly JsonNodeOptions NodeOptions = new() { PropertyNameCaseInsensitive = false };
    // Duplicate keys are refused: which "model" would the provider read?
    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = MaxDepth, AllowDuplicateProperties = false };

    public async Task InvokeAsync(HttpContext context)
    {
        var state = config.Current;
        var forwarding = ForwardingRules.Classify(context.Request, state.Options.PassThroughPaths, out var endpoint, out var canonicalPath);
        switch (forwarding)
        {
            case Forwarding.NotFound:
                await OpenAiError.WriteAsync(context, StatusCodes.Status404NotFound, "There is no such endpoint on this gateway.", OpenAiError.InvalidRequest, code: "unknown_url");
                return;
            case Forwarding.MethodNotAllowed:
                context.Response.Headers.Allow = ForwardingRules.Allowed(endpoint);
                await OpenAiError.WriteAsync(context, StatusCodes.Status405MethodNotAllowed,
                    $"{context.Request.Method} is not allowed on {canonicalPath}.", OpenAiError.InvalidRequest, code: "method_not_allowed");
                return;
            case Forwarding.Metered:
                context.Request.Path = canonicalPath;
                break;
        }
        if (!HasJsonBody(context.Request, endpoint))
        {
            GatewayExchange.Start(context, context.Features.GetRequiredFeature<TeamIdentity>(), new GatewayRequest(endpoint, null, default, null, null, stream: false));
            await next(context);
            return;
        }

        var limits = state.Options.Limits;
        var reader = new RequestBodyReader(bodyGate, limits.MaxBodyBytes, limits.MaxBufferedBodyBytes);
        try
        {
            // The gateway enforces its own limit with an OpenAI-shaped 413, so lift Kestrel's.
            if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } sizeFeature)
                sizeFeature.MaxRequestBodySize = null;
            switch (await reader.ReadAsync(context.Request, context.RequestAborted))
            {
                case RequestBodyReader.Outcome.TooLarge:
                    await OpenAiError.WriteAsync(context, StatusCodes.Status413PayloadTooLarge,
                        $"Request body is larger than the gateway's limit of {limits.MaxBodyBytes} bytes.", OpenAiError.InvalidRequest, code: "request_too_large");
                    return;
                case RequestBodyReader.Outcome.Busy:
                    context.Response.Headers.RetryAfter = "1";
                    await OpenAiError.WriteAsync(context, StatusCodes.Status503ServiceUnavailable,
                        "The gateway is receiving too many request bodies at once; retry shortly.", OpenAiError.Server, code: "server_busy");
                    return;
            }
            await ParsedAsync(context, state, endpoint, reader.Body!);
        }
        finally
        {
            bodyGate.Release(reader.Taken);
        }
    }

    private async Task ParsedAsync(HttpContext context, GatewayState state, OpenAiEndpoint endpoint, byte[] raw)
    {
        JsonObject? body;
        string? problem = null;
        try
        {
            // Strings are transcoded lazily, so invalid UTF-8 would only surface deep in a later step.
            body = System.Text.Unicode.Utf8.IsValid(raw) && (problem = JsonBodyCheck.Problem(raw, MaxDepth)) is null
                ? JsonNode.Parse(raw, NodeOptions, DocumentOptions) as JsonObject
                : null;
        }
        catch (JsonException)
        {
            body = null;
        }
        if (body is null)
        {
            await OpenAiError.WriteAsync(context, StatusCodes.Status400BadRequest,
                problem ?? "We could not parse the JSON body of your request. The body must be a JSON object in UTF-8, without duplicate keys.", OpenAiError.InvalidRequest);
            return;
        }

        var invalid = RequestValidator.Validate(endpoint, body, out var requestedModel, out var stream);
        if (invalid is not null)
        {
            await OpenAiError.WriteAsync(context, StatusCodes.Status400BadRequest, invalid.Message, OpenAiError.InvalidRequest, invalid.Param);
            return;
        }

        Routing.ModelRoute? route = null;
        var team = context.Features.GetRequiredFeature<TeamIdentity>();
        if (requestedModel is not null)
        {
            if (!state.Routing.TryResolve(requestedModel, out route))
            {
                await OpenAiError.WriteAsync(context, StatusCodes.Status404NotFound,
                    $"The model '{requestedModel}' does not exist or you do not have access to it.", OpenAiError.InvalidRequest, "model", "model_not_found");
                return;
            }
            if (!team.MayUse(requestedModel, route.Name))
            {
                await OpenAiError.WriteAsync(context, StatusCodes.Status403Forbidden,
                    $"Team '{team.Team}' is not allowed to use model '{requestedModel}'.", OpenAiError.Permission, "model", "model_not_allowed");
                return;
            }
        }

        GatewayExchange.Start(context, team, new GatewayRequest(endpoint, body, raw, requestedModel, route, stream)
        {
            ClientWantsStreamUsage = body["stream_options"] is JsonObject so && so["include_usage"] is JsonValue v && v.GetValueKind() == JsonValueKind.True,
        });
        await next(context);
    }

    /// <summary>
    /// Metered endpoints are always parsed as JSON, whatever the Content-Type says (as providers do); a pass-through
    /// body is parsed when it says it is JSON, so a <c>model</c> in it is resolved, allow-listed and metered.
    /// </summary>
    private static bool HasJsonBody(HttpRequest request, OpenAiEndpoint endpoint)
    {
        if (endpoint != OpenAiEndpoint.Other)
            return true;
        if (HttpMethods.IsGet(request.Method) || HttpMethods.IsDelete(request.Method))
            return false;
        var contentType = request.ContentType;
        return contentType is not null
            && (contentType.StartsWith("application/json", StringComparison.OrdinalIgnoreCase)
                || contentType.Contains("+json", StringComparison.OrdinalIgnoreCase));
    }
}
