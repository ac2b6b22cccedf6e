using System.Text.Json;
using System.Text.Json.Nodes;
using LlmGateway.Auth;
using Microsoft.AspNetCore.Http.Features;

namespace LlmGateway.Gateway;

/// <summary>
/// Reads and parses the body once (within the size limit), validates what the gateway relies on,
/// resolves the model and checks the team may use it. Sets <see cref="GatewayRequest"/>.
/// </summary>
internal sealed class RequestParsingMiddleware(RequestDelegate next, GatewayConfigStore config)
{
    private static readonly JsonNodeOptions NodeOptions = new() { PropertyNameCaseInsensitive = false };
    // Duplicate keys are refused: which "model" would the provider read?
    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 128, AllowDuplicateProperties = false };

    public async Task InvokeAsync(HttpContext context)
    {
        var state = config.Current;
        var endpoint = OpenAiEndpoints.FromPath(context.Request.Path);
        if (!HasJsonBody(context.Request, endpoint))
        {
            context.Features.Set(new GatewayRequest(endpoint, null, default, null, null, stream: false));
            await next(context);
            return;
        }

        var limit = state.Options.Limits.MaxBodyBytes;
        var raw = await ReadBodyAsync(context, limit);
        if (raw is null)
        {
            await OpenAiError.WriteAsync(context, StatusCodes.Status413PayloadTooLarge,
                $"Request body is larger than the gateway's limit of {limit} bytes.", OpenAiError.InvalidRequest, code: "request_too_large");
            return;
        }

        JsonObject? body;
        try
        {
            // Strings are transcoded lazily, so invalid UTF-8 would only surface deep in a later step.
            body = System.Text.Unicode.Utf8.IsValid(raw) ? JsonNode.Parse(raw, NodeOptions, DocumentOptions) as JsonObject : null;
        }
        catch (JsonException)
        {
            body = null;
        }
        if (body is null)
        {
            await OpenAiError.WriteAsync(context, StatusCodes.Status400BadRequest,
                "We could not parse the JSON body of your request. The body must be a JSON object in UTF-8, without duplicate keys.", OpenAiError.InvalidRequest);
            return;
        }

        var problem = RequestValidator.Validate(endpoint, body, out var requestedModel, out var stream);
        if (problem is not null)
        {
            await OpenAiError.WriteAsync(context, StatusCodes.Status400BadRequest, problem.Message, OpenAiError.InvalidRequest, problem.Param);
            return;
        }

        Routing.ModelRoute? route = null;
        if (requestedModel is not null)
        {
            if (!state.Routing.TryResolve(requestedModel, out route))
            {
                await OpenAiError.WriteAsync(context, StatusCodes.Status404NotFound,
                    $"The model '{requestedModel}' does not exist or you do not have access to it.", OpenAiError.InvalidRequest, "model", "model_not_found");
                return;
            }
            var team = context.Features.GetRequiredFeature<TeamIdentity>();
            if (!team.MayUse(requestedModel, route.Name))
            {
                await OpenAiError.WriteAsync(context, StatusCodes.Status403Forbidden,
                    $"Team '{team.Team}' is not allowed to use model '{requestedModel}'.", OpenAiError.Permission, "model", "model_not_allowed");
                return;
            }
        }

        context.Features.Set(new GatewayRequest(endpoint, body, raw, requestedModel, route, stream)
        {
            ClientWantsStreamUsage = body["stream_options"] is JsonObject so && so["include_usage"] is JsonValue v && v.GetValueKind() == JsonValueKind.True,
        });
        await next(context);
    }

    private static bool HasJsonBody(HttpRequest request, OpenAiEndpoint endpoint)
    {
        if (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method) || HttpMethods.IsDelete(request.Method))
            return false;
        if (endpoint != OpenAiEndpoint.Other)
            return true;
        var contentType = request.ContentType;
        return contentType is not null
            && (contentType.StartsWith("application/json", StringComparison.OrdinalIgnoreCase)
                || contentType.Contains("+json", StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>Reads the whole body, or returns null when it passes <paramref name="limit"/>.</summary>
    private static async Task<byte[]?> ReadBodyAsync(HttpContext context, long limit)
    {
        var request = context.Request;
        if (request.ContentLength > limit)
            return null;
        // The gateway enforces its own limit with an OpenAI-shaped 413, so lift Kestrel's.
        var sizeFeature = context.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (sizeFeature is { IsReadOnly: false })
            sizeFeature.MaxRequestBodySize = null;

        if (request.ContentLength is { } length)
        {
            var buffer = new byte[length];
            await request.Body.ReadExactlyAsync(buffer, context.RequestAborted);
            return buffer;
        }
        using var stream = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, context.RequestAborted)) > 0)
        {
            if (stream.Length + read > limit)
                return null;
            stream.Write(chunk, 0, read);
        }
        return stream.ToArray();
    }
}
