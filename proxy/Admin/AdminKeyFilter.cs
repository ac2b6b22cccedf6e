using LlmGateway.Auth;
using LlmGateway.Gateway;

namespace LlmGateway.Admin;

/// <summary>Lets a request into <c>/admin</c> only with an admin key (Bearer, <c>api-key</c>, or the <c>admin_key</c> cookie the dashboard page sets).</summary>
internal sealed class AdminKeyFilter(GatewayConfigStore config) : IEndpointFilter
{
    public const string CookieName = "llm_gateway_admin";

    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext invocation, EndpointFilterDelegate next)
    {
        var context = invocation.HttpContext;
        var key = PresentedKey(context.Request);
        var allowed = config.Current.Options.Admin.KeySha256;
        if (key.Length == 0 || !allowed.Contains(TeamKeys.Sha256Hex(key), StringComparer.OrdinalIgnoreCase))
        {
            return ValueTask.FromResult<object?>(OpenAiError.Result(StatusCodes.Status401Unauthorized,
                "The admin API needs an admin key (Gateway:Admin:KeySha256).", OpenAiError.InvalidRequest, code: "invalid_admin_key"));
        }
        return next(invocation);
    }

    private static string PresentedKey(HttpRequest request)
    {
        var authorization = request.Headers.Authorization.ToString();
        if (authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            return authorization[7..].Trim();
        var apiKey = request.Headers["api-key"].ToString().Trim();
        if (apiKey.Length > 0)
            return apiKey;
        return request.Cookies[CookieName] ?? "";
    }
}
