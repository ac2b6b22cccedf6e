using LlmGateway.Admin;
using LlmGateway.Auth;
using LlmGateway.Gateway;
using System.Text.Json;

namespace LlmGateway.Metrics.Dashboard;

/// <summary>
/// The built-in dashboard for finance and SRE without Grafana. <c>/admin/dashboard</c> (HTML) and
/// <c>/admin/metrics/summary</c> (JSON) sit behind the admin key. <c>/admin/login</c> exchanges an
/// admin key (form post) or a one-time link (<c>?link=</c>, from <c>POST /admin/login-links</c>)
/// for a session cookie that <see cref="AdminKeyFilter"/> accepts, then redirects to the dashboard.
/// A key in the URL is refused: URLs end up in browser history and access logs.
/// </summary>
internal static class DashboardEndpoints
{
    public const string DashboardPath = "/admin/dashboard";
    public const string LoginPath = "/admin/login";

    private static readonly JsonSerializerOptions SummaryJson = new(JsonSerializerDefaults.Web) { Converters = { new NonFiniteAsNullConverter() } };

    /// <summary>On the admin-key-protected <c>/admin</c> group.</summary>
    public static void MapProtected(RouteGroupBuilder admin)
    {
        admin.MapGet("/dashboard", (DashboardService dashboard) => Results.Content(DashboardPage.Render(dashboard.Current()), "text/html; charset=utf-8"));
        admin.MapGet("/metrics/summary", (DashboardService dashboard) => Results.Json(dashboard.Current(), SummaryJson));
        admin.MapPost("/login-links", (HttpContext context, AdminSessions sessions) =>
        {
            var (token, expiresAt) = sessions.CreateLink((string)context.Items[AdminKeyFilter.KeyDigestItem]!);
            return Results.Json(new { url = $"{LoginPath}?link={token}", expires_at = expiresAt });
        });
    }

    /// <summary>On the app's endpoints (the login page cannot itself need the cookie it hands out).</summary>
    public static void MapLogin(IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet(LoginPath, (HttpContext context, GatewayConfigStore config, AdminSessions sessions, ILogger<DashboardService> logger) =>
        {
            var query = context.Request.Query;
            if (query.ContainsKey("key"))
                return Results.Content(LoginForm("Admin keys do not belong in URLs (browser history, access logs): sign in with the form, or open a link from POST /admin/login-links."), "text/html; charset=utf-8", statusCode: StatusCodes.Status400BadRequest);
            var link = query["link"].ToString();
            if (link.Length == 0)
                return Results.Content(LoginForm(error: null), "text/html; charset=utf-8");
            var digest = sessions.RedeemLink(link, config.Current.Options.Admin.KeySha256);
            return digest is null ? Rejected(context, logger, "That sign-in link is unknown, used or expired.") : SignIn(context, sessions, digest);
        });
        endpoints.MapPost(LoginPath, async (HttpContext context, GatewayConfigStore config, AdminSessions sessions, ILogger<DashboardService> logger) =>
        {
            if (!context.Request.HasFormContentType)
                return Results.Content(LoginForm(NotAnAdminKey), "text/html; charset=utf-8", statusCode: StatusCodes.Status400BadRequest);
            var form = await context.Request.ReadFormAsync(context.RequestAborted);
            var digest = AdminKeyFilter.DigestIfAdmin(form["key"].ToString().Trim(), config.Current.Options.Admin.KeySha256);
            return digest is null ? Rejected(context, logger, NotAnAdminKey) : SignIn(context, sessions, digest);
        }).DisableAntiforgery();
    }

    private const string NotAnAdminKey = "That is not an admin key.";

    private static IResult Rejected(HttpContext context, ILogger logger, string message)
    {
        MetricsLog.DashboardLoginRejected(logger, context.Connection.RemoteIpAddress?.ToString() ?? "-");
        return Results.Content(LoginForm(message), "text/html; charset=utf-8", statusCode: StatusCodes.Status401Unauthorized);
    }

    private static IResult SignIn(HttpContext context, AdminSessions sessions, string keyDigest)
    {
        context.Response.Cookies.Append(AdminKeyFilter.CookieName, sessions.OpenSession(keyDigest), new CookieOptions
        {
            HttpOnly = true,
            Secure = context.Request.IsHttps,
            SameSite = SameSiteMode.Strict,
            Path = "/admin",
            MaxAge = AdminSessions.SessionLifetime,
        });
        context.Response.Headers.CacheControl = "no-store";
        return Results.Redirect(DashboardPath, permanent: false, preserveMethod: false);
    }

    private static string LoginForm(string? error) => $$"""
        <!doctype html><html lang="en"><head><meta charset="utf-8"><title>LlmGateway dashboard: sign in</title>
        <style>body{font-family:system-ui,sans-serif;margin:48px;color:#1d2433}input{font-size:14px;padding:6px;width:320px}.bad{color:#dc2626}</style></head>
        <body><h1>LlmGateway dashboard</h1>
        {{(error is null ? "" : $"<p class=\"bad\" id=\"login-error\">{System.Net.WebUtility.HtmlEncode(error)}</p>")}}
        <form method="post" action="{{LoginPath}}"><label>Admin key <input type="password" name="key" autocomplete="off" autofocus></label>
        <button type="submit">Sign in</button></form></body></html>
        """;
}
