using LlmGateway.Auth;
using LlmGateway.Gateway;
using Microsoft.Net.Http.Headers;

namespace LlmGateway.Admin;

/// <summary>
/// Lets a request into <c>/admin</c> only with an admin key (Bearer or <c>api-key</c>) or a live
/// dashboard session (the <c>llm_gateway_admin</c> cookie, see <see cref="AdminSessions"/>).
/// A browser asking for a page without either is sent to the sign-in form; API clients get a 401.
/// </summary>
internal sealed class AdminKeyFilter(GatewayConfigStore config, AdminSessions sessions) : IEndpointFilter
{
    public const string CookieName = "llm_gateway_admin";
    public const string LoginPath = "/admin/login";

    private const string CallerItem = "LlmGateway.Admin.Caller";

    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext invocation, EndpointFilterDelegate next)
    {
        var context = invocation.HttpContext;
        var caller = Identify(context.Request, config.Current.Options.Admin.KeySha256);
        if (caller is null)
        {
            return ValueTask.FromResult<object?>(WantsPage(context.Request)
                ? Results.Redirect(LoginPath)
                : OpenAiError.Result(StatusCodes.Status401Unauthorized,
                    "The admin API needs an admin key (Gateway:Admin:KeySha256).", OpenAiError.InvalidRequest, code: "invalid_admin_key"));
        }

        context.Items[CallerItem] = caller;
        return next(invocation);
    }

    /// <summary>Who passed this filter: the digest of their admin key, and whether they came with a session rather than the key.</summary>
    public static AdminCaller Caller(HttpContext context) => (AdminCaller)context.Items[CallerItem]!;

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

    private AdminCaller? Identify(HttpRequest request, IReadOnlyCollection<string> adminKeyDigests)
    {
        var authorization = request.Headers.Authorization.ToString();
        var key = authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? authorization[7..].Trim() : request.Headers["api-key"].ToString().Trim();
        if (key.Length > 0)
            return DigestIfAdmin(key, adminKeyDigests) is { } digest ? new AdminCaller(digest, ViaSession: false) : null;
        return request.Cookies[CookieName] is { } token && sessions.SessionKeyDigest(token, adminKeyDigests) is { } sessionDigest
            ? new AdminCaller(sessionDigest, ViaSession: true)
            : null;
    }

    /// <summary>A browser navigating to a page (GET, HTML accepted), rather than an API client.</summary>
    private static bool WantsPage(HttpRequest request) =>
        HttpMethods.IsGet(request.Method)
        && request.GetTypedHeaders().Accept.Any(a => a.MediaType.Equals("text/html", StringComparison.OrdinalIgnoreCase));
}

/// <summary>An admin request's credential: the digest of the admin key, and whether it came as a dashboard session.</summary>
internal sealed record AdminCaller(string KeyDigest, bool ViaSession);
