using LlmGateway.Auth;
using LlmGateway.Gateway;

namespace LlmGateway.Admin;

/// <summary>
/// Lets a request into <c>/admin</c> only with an admin key (Bearer or <c>api-key</c>) or a live
/// dashboard session (the <c>llm_gateway_admin</c> cookie, see <see cref="AdminSessions"/>).
/// </summary>
internal sealed class AdminKeyFilter(GatewayConfigStore config, AdminSessions sessions) : IEndpointFilter
{
    public const string CookieName = "llm_gateway_admin";

    /// <summary><c>HttpContext.Items</c> key of the digest of the admin key the request came in with.</summary>
    public const string KeyDigestItem = "LlmGateway.Admin.KeyDigest";

    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext invocation, EndpointFilterDelegate next)
    {
        var context = invocation.HttpContext;
        var digest = AdminKeyDigest(context.Request, config.Current.Options.Admin.KeySha256);
        if (digest is null)
        {
            return ValueTask.FromResult<object?>(OpenAiError.Result(StatusCodes.Status401Unauthorized,
                "The admin API needs an admin key (Gateway:Admin:KeySha256).", OpenAiError.InvalidRequest, code: "invalid_admin_key"));
        }

        context.Items[KeyDigestItem] = digest;
        return next(invocation);
    }

    /// <summary>The digest of <paramref name="key"/> when it is an admin key; otherwise null.</summary>
    public static string? DigestIfAdmin(string key, IReadOnlyCollection<string> adminKeyDigests)
    {
        if (key.Length == 0)
        {
            return null;
        }

        var digest = TeamKeys.Sha256Hex(key);
        return adminKeyDigests.Contains(digest, StringComparer.OrdinalIgnoreCase) ? digest : null;
    }

    private string? AdminKeyDigest(HttpRequest request, IReadOnlyCollection<string> adminKeyDigests)
    {
        var authorization = request.Headers.Authorization.ToString();
        if (authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            return DigestIfAdmin(authorization[7..].Trim(), adminKeyDigests);
        var apiKey = request.Headers["api-key"].ToString().Trim();
        if (apiKey.Length > 0)
            return DigestIfAdmin(apiKey, adminKeyDigests);
        return request.Cookies[CookieName] is { } token ? sessions.SessionKeyDigest(token, adminKeyDigests) : null;
    }
}
