using System.Security.Claims;
using LlmGateway.Gateway;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;

namespace LlmGateway.Admin;

/// <summary>
/// Who may use <c>/admin</c>: a client sending an admin key (<see cref="AdminKeyHandler"/>), or a browser with a dashboard
/// session: ASP.NET Core's cookie authentication, sessions held server-side (<see cref="AdminSessionStore"/>), cookies
/// protected by Data Protection with its keys under <c>{Gateway:Storage:Path}/admin/keys</c> so sessions survive a restart.
/// </summary>
internal static class AdminAuthentication
{
    /// <summary>Forwards to <see cref="KeyScheme"/> when the request carries a key, otherwise to <see cref="SessionScheme"/>.</summary>
    public const string Scheme = "Admin";
    public const string KeyScheme = "AdminKey";
    public const string SessionScheme = "AdminSession";
    public const string KeyDigestClaim = "admin_key_sha256";
    public const string CookieName = "llm_gateway_admin";
    public const string LoginPath = "/admin/login";
    public static readonly TimeSpan SessionLifetime = TimeSpan.FromHours(12);

    public static AuthorizationPolicy Policy { get; } = new AuthorizationPolicyBuilder(Scheme).RequireAuthenticatedUser().Build();

    public static IServiceCollection AddAdminAuthentication(this IServiceCollection services)
    {
        services.AddSingleton<SignInLinks>();
        services.AddSingleton<AdminSessionStore>();
        services.AddSingleton<AdminSessionEvents>();
        // A fixed name, not the content root: moving the install must not sign everyone out.
        services.AddDataProtection().SetApplicationName("LlmGateway");
        services.AddOptions<KeyManagementOptions>().Configure<GatewayConfigStore, ILoggerFactory>((options, config, logs) =>
            options.XmlRepository = new FileSystemXmlRepository(new DirectoryInfo(Folder(config, "keys")), logs));
        services.AddOptions<CookieAuthenticationOptions>(SessionScheme).Configure<AdminSessionStore>((options, store) => options.SessionStore = store);
        services.AddAuthorization();
        services.AddAuthentication()
            .AddPolicyScheme(Scheme, null, options => options.ForwardDefaultSelector = context => AdminKeyHandler.KeyOf(context.Request) is null ? SessionScheme : KeyScheme)
            .AddScheme<AuthenticationSchemeOptions, AdminKeyHandler>(KeyScheme, null)
            .AddCookie(SessionScheme, options =>
            {
                options.Cookie.Name = CookieName;
                options.Cookie.Path = "/admin";
                options.Cookie.SameSite = SameSiteMode.Strict;
                options.ExpireTimeSpan = SessionLifetime;
                options.SlidingExpiration = false; // a session ends 12 hours after sign-in, however busy
                options.EventsType = typeof(AdminSessionEvents);
            });
        return services;
    }

    /// <summary>Where the admin capability keeps <paramref name="name"/> in the gateway's storage.</summary>
    public static string Folder(GatewayConfigStore config, string name) => Path.GetFullPath(Path.Combine(config.Current.Options.Storage.Path, "admin", name));

    public static ClaimsPrincipal Principal(string keyDigest, string scheme) => new(new ClaimsIdentity([new Claim(KeyDigestClaim, keyDigest)], scheme));

    public static bool IsAdminKeyDigest(string? digest, IReadOnlyCollection<string> adminKeyDigests) =>
        digest is not null && adminKeyDigests.Contains(digest, StringComparer.OrdinalIgnoreCase);

    /// <summary>The answer to an API client without a valid admin key or session.</summary>
    public static Task WriteUnauthorizedAsync(HttpContext context) =>
        OpenAiError.WriteAsync(context, StatusCodes.Status401Unauthorized,
            "The admin API needs an admin key (Gateway:Admin:KeySha256).", OpenAiError.InvalidRequest, code: "invalid_admin_key");
}
