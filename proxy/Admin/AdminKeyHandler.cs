using System.Text.Encodings.Web;
using LlmGateway.Auth;
using LlmGateway.Gateway;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace LlmGateway.Admin;

/// <summary>The admin key as an authentication scheme: <c>Authorization: Bearer</c> or <c>api-key</c>, one of <c>Gateway:Admin:KeySha256</c>.</summary>
internal sealed class AdminKeyHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, GatewayConfigStore config)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    /// <summary>The key a request carries, or null when it carries none.</summary>
    public static string? KeyOf(HttpRequest request)
    {
        var authorization = request.Headers.Authorization.ToString();
        var key = authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? authorization[7..].Trim() : request.Headers["api-key"].ToString().Trim();
        return key.Length > 0 ? key : null;
    }

    /// <summary>The digest of <paramref name="key"/> when it is an admin key; otherwise null.</summary>
    public static string? DigestIfAdmin(string key, IReadOnlyCollection<string> adminKeyDigests) =>
        key.Length > 0 && TeamKeys.Sha256Hex(key) is var digest && AdminAuthentication.IsAdminKeyDigest(digest, adminKeyDigests) ? digest : null;

    protected override Task<AuthenticateResult> HandleAuthenticateAsync() => Task.FromResult(
        KeyOf(Request) is not { } key ? AuthenticateResult.NoResult()
        : DigestIfAdmin(key, config.Current.Options.Admin.KeySha256) is { } digest ? AuthenticateResult.Success(new AuthenticationTicket(AdminAuthentication.Principal(digest, Scheme.Name), Scheme.Name))
        : AuthenticateResult.Fail("Not an admin key."));

    protected override Task HandleChallengeAsync(AuthenticationProperties properties) => AdminAuthentication.WriteUnauthorizedAsync(Context);
}
