using LlmGateway.Admin;
using LlmGateway.Auth;
using LlmGateway.Gateway;
using System.Text.Json;

namespace LlmGateway.Metrics.Dashboard;

/// <summary>
/// The built-in dashboard for finance and SRE without Grafana. <c>/admin/dashboard</c> (HTML) and
/// <c>/admin/metrics/summary</c> (JSON) sit behind the admin key; <c>/admin/login</c> exchanges an admin key
/// (form post, or <c>?key=</c> for a bookmark) for the <c>llm_gateway_admin</c> cookie that
/// <see cref="AdminKeyFilter"/> accepts, then redirects to the dashboard.
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
    }

    /// <summary>On the app's endpoints (the login page cannot itself need the cookie it hands out).</summary>
    public static void MapLogin(IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet(LoginPath, (HttpContext context, GatewayConfigStore config, ILogger<DashboardService> logger) =>
        {
            var key = context.Request.Query["key"].ToString();
            return key.Length == 0 ? Results.Content(LoginForm(error: false), "text/html; charset=utf-8") : SignIn(context, config, logger, key);
        });
        endpoints.MapPost(LoginPath, async (HttpContext context, GatewayConfigStore config, ILogger<DashboardService> logger) =>
        {
            if (!context.Request.HasFormContentType)
                return Results.Content(LoginForm(error: true), "text/html; charset=utf-8", statusCode: StatusCodes.Status400BadRequest);
            var form = await context.Request.ReadFormAsync(context.RequestAborted);
            return SignIn(context, config, logger, form["key"].ToString());
        }).DisableAntiforgery();
    }

    private static IResult SignIn(HttpContext context, GatewayConfigStore config, ILogger logger, string key)
    {
        key = key.Trim();
        var allowed = config.Current.Options.Admin.KeySha256;
        if (key.Length == 0 || !allowed.Contains(TeamKeys.Sha256Hex(key), StringComparer.OrdinalIgnoreCase))
        {
            MetricsLog.DashboardLoginRejected(logger, context.Connection.RemoteIpAddress?.ToString() ?? "-");
            return Results.Content(LoginForm(error: true), "text/html; charset=utf-8", statusCode: StatusCodes.Status401Unauthorized);
        }
        context.Response.Cookies.Append(AdminKeyFilter.CookieName, key, new CookieOptions
        {
            HttpOnly = true,
            Secure = context.Request.IsHttps,
            SameSite = SameSiteMode.Strict,
            Path = "/admin",
            MaxAge = TimeSpan.FromHours(12),
        });
        context.Response.Headers.CacheControl = "no-store";
        return Results.Redirect(DashboardPath, permanent: false, preserveMethod: false);
    }

    private static string LoginForm(bool error) => $$"""
        <!doctype html><html lang="en"><head><meta charset="utf-8"><title>LlmGateway dashboard: sign in</title>
        <style>body{font-family:system-ui,sans-serif;margin:48px;color:#1d2433}input{font-size:14px;padding:6px;width:320px}.bad{color:#dc2626}</style></head>
        <body><h1>LlmGateway dashboard</h1>
        {{(error ? "<p class=\"bad\" id=\"login-error\">That is not an admin key.</p>" : "")}}
        <form method="post" action="{{LoginPath}}"><label>Admin key <input type="password" name="key" autocomplete="off" autofocus></label>
        <button type="submit">Sign in</button></form></body></html>
        """;
}
