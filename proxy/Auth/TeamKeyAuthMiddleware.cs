using LlmGateway.Gateway;
using Microsoft.Net.Http.Headers;

namespace LlmGateway.Auth;

/// <summary>
/// Resolves the team from <c>Authorization: Bearer</c> or <c>api-key</c>, then removes the client's
/// credential so it can never reach a provider.
/// </summary>
internal sealed class TeamKeyAuthMiddleware(RequestDelegate next, GatewayConfigStore config)
{
    private const string AzureKeyHeader = "api-key";

    public Task InvokeAsync(HttpContext context)
    {
        var headers = context.Request.Headers;
        var key = BearerToken(headers.Authorization.ToString());
        if (key.IsEmpty)
            key = headers[AzureKeyHeader].ToString().AsSpan().Trim();
        headers.Remove(HeaderNames.Authorization);
        headers.Remove(AzureKeyHeader);

        if (key.IsEmpty)
        {
            return OpenAiError.WriteAsync(context, StatusCodes.Status401Unauthorized,
                "You didn't provide an API key. Send your team key as 'Authorization: Bearer <key>'.",
                OpenAiError.InvalidRequest, code: "missing_api_key");
        }
        if (!config.Current.Teams.TryFind(TeamKeys.Sha256Hex(key), out var identity))
        {
            return OpenAiError.WriteAsync(context, StatusCodes.Status401Unauthorized,
                "Incorrect API key provided.", OpenAiError.InvalidRequest, code: "invalid_api_key");
        }
        context.Features.Set(identity);
        return next(context);
    }

    private static ReadOnlySpan<char> BearerToken(string authorization)
    {
        var value = authorization.AsSpan().Trim();
        return value.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? value[7..].Trim() : default;
    }
}
