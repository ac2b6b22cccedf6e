using System.Net;
using System.Security.Claims;
using LlmGateway.Gateway;
using Microsoft.AspNetCore.Authentication;

namespace LlmGateway.Admin;

/// <summary>
/// Browser sign-in to the admin pages. <c>/admin/login</c> exchanges an admin key (form post) or a one-time link
/// (<c>?link=</c>, minted by <c>POST /admin/login-links</c> with the admin key, <see cref="SignInLinks"/>) for a session
/// cookie (<see cref="AdminAuthentication"/>); <c>POST /admin/logout</c> ends it. A key in the URL is refused: URLs end
/// up in browser history and access logs.
/// </summary>
internal static class SignInEndpoints
{
    /// <summary>Where a signed-in browser lands.</summary>
    public const string HomePath = "/admin/dashboard";

    private const string NotAnAdminKey = "That is not an admin key.";
    private const string Html = "text/html; charset=utf-8";

    /// <summary>On the app's endpoints: signing in cannot itself need the cookie it hands out.</summary>
    public static void MapSignIn(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet(AdminAuthentication.LoginPath, async (HttpContext context, GatewayConfigStore config, SignInLinks links, ILogger<SignInLinks> logger) =>
        {
            var query = context.Request.Query;
            if (query.ContainsKey("key"))
                return Results.Content(LoginForm("Admin keys do not belong in URLs (browser history, access logs): sign in with the form, or open a link from POST /admin/login-links."), Html, statusCode: StatusCodes.Status400BadRequest);
            var link = query["link"].ToString();
            if (link.Length == 0)
                return Results.Content(LoginForm(error: null), Html);
            var digest = links.Redeem(link, config.Current.Options.Admin.KeySha256);
            if (digest is null)
                return Refused(context, logger, "That sign-in link is unknown, used or expired.");
            // A page that moves on by itself rather than a redirect: a link opened from another
            // site (chat, mail) would otherwise arrive without the SameSite=Strict cookie just set.
            await context.SignInAsync(AdminAuthentication.SessionScheme, AdminAuthentication.Principal(digest, AdminAuthentication.SessionScheme), new AuthenticationProperties { IsPersistent = true });
            return Results.Content(Page($"<meta http-equiv=\"refresh\" content=\"0;url={HomePath}\">", $"<p>Signed in. <a href=\"{HomePath}\">Open the dashboard</a>.</p>"), Html);
        });
        endpoints.MapPost(AdminAuthentication.LoginPath, async (HttpContext context, GatewayConfigStore config, ILogger<SignInLinks> logger) =>
        {
            if (!context.Request.HasFormContentType)
                return Results.Content(LoginForm("Send the admin key as the form field 'key' (application/x-www-form-urlencoded)."), Html, statusCode: StatusCodes.Status400BadRequest);
            var form = await context.Request.ReadFormAsync(context.RequestAborted);
            var digest = AdminKeyHandler.DigestIfAdmin(form["key"].ToString().Trim(), config.Current.Options.Admin.KeySha256);
            if (digest is null)
                return Refused(context, logger, NotAnAdminKey);
            return Results.SignIn(AdminAuthentication.Principal(digest, AdminAuthentication.SessionScheme),
                new AuthenticationProperties { IsPersistent = true, RedirectUri = HomePath }, AdminAuthentication.SessionScheme);
        }).DisableAntiforgery();
        endpoints.MapPost("/admin/logout", () => Results.SignOut(new AuthenticationProperties { RedirectUri = AdminAuthentication.LoginPath }, [AdminAuthentication.SessionScheme]))
            .DisableAntiforgery();
    }

    /// <summary>On the protected <c>/admin</c> group: one-time sign-in links, minted with the admin key itself.</summary>
    public static void MapSignInLinks(this RouteGroupBuilder admin)
    {
        admin.MapPost("/login-links", (HttpContext context, SignInLinks links) =>
        {
            context.Response.Headers.CacheControl = "no-store";
            // Otherwise a session could mint links for new sessions and outlive its 12 hours.
            if (context.User.Identity?.AuthenticationType != AdminAuthentication.KeyScheme)
                return OpenAiError.Result(StatusCodes.Status403Forbidden, "Sign-in links are made with the admin key itself, not with a dashboard session.", OpenAiError.InvalidRequest, code: "admin_key_required");
            var (token, expiresAt) = links.Create(context.User.FindFirstValue(AdminAuthentication.KeyDigestClaim)!);
            return Results.Json(new { url = $"{AdminAuthentication.LoginPath}?link={token}", expires_at = expiresAt });
        });
    }

    private static IResult Refused(HttpContext context, ILogger logger, string message)
    {
        AdminLog.SignInRefused(logger, message, context.Connection.RemoteIpAddress?.ToString() ?? "-");
        return Results.Content(LoginForm(message), Html, statusCode: StatusCodes.Status401Unauthorized);
    }

    private static string LoginForm(string? error) => Page("", $$"""
        {{(error is null ? "" : $"<p class=\"bad\" id=\"login-error\">{WebUtility.HtmlEncode(error)}</p>")}}
        <form method="post" action="{{AdminAuthentication.LoginPath}}"><label>Admin key <input type="password" name="key" autocomplete="off" autofocus></label>
        <button type="submit">Sign in</button></form>
        """);

    private static string Page(string head, string body) => $$"""
        <!doctype html><html lang="en"><head><meta charset="utf-8"><title>LlmGateway: sign in</title>{{head}}
        <style>body{font-family:system-ui,sans-serif;margin:48px;color:#1d2433}input{font-size:14px;padding:6px;width:320px}.bad{color:#dc2626}</style></head>
        <body><h1>LlmGateway dashboard</h1>
        {{body}}</body></html>
        """;
}
