using System.Security.Claims;
using LlmGateway.Gateway;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace LlmGateway.Admin;

/// <summary>What the cookie handler does not know: admin keys rotate, and API clients want JSON rather than a redirect.</summary>
internal sealed class AdminSessionEvents(GatewayConfigStore config) : CookieAuthenticationEvents
{
    /// <summary>Removing a key from <c>Gateway:Admin:KeySha256</c> ends the sessions it opened (for good, even if it comes back).</summary>
    public override async Task ValidatePrincipal(CookieValidatePrincipalContext context)
    {
        if (AdminAuthentication.IsAdminKeyDigest(context.Principal?.FindFirstValue(AdminAuthentication.KeyDigestClaim), config.Current.Options.Admin.KeySha256))
            return;
        context.RejectPrincipal();
        await context.HttpContext.SignOutAsync(context.Scheme.Name);
    }

    /// <summary>A browser asking for a page goes to the sign-in form (without a return URL); API clients get the JSON 401.</summary>
    public override Task RedirectToLogin(RedirectContext<CookieAuthenticationOptions> context)
    {
        var request = context.Request;
        var wantsPage = HttpMethods.IsGet(request.Method)
            && request.GetTypedHeaders().Accept.Any(a => a.MediaType.Equals("text/html", StringComparison.OrdinalIgnoreCase));
        if (!wantsPage)
            return AdminAuthentication.WriteUnauthorizedAsync(context.HttpContext);
        context.Response.Redirect(AdminAuthentication.LoginPath);
        return Task.CompletedTask;
    }
}
