using System.Net;
using LlmGateway.Auth;
using LlmGateway.Gateway;
using LlmGateway.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace LlmGateway.Tests.Admin;

/// <summary>Dashboard sessions over HTTP: lifetime on the gateway's clock, key rotation, restarts. The cookie is sent by hand (a CookieContainer would expire it on the wall clock).</summary>
public sealed class AdminSessionsTests
{
    private const string AdminKey = "sk-admin-sessions";

    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 21, 0, 0, 0, TimeSpan.Zero));

    private static Dictionary<string, string?> Settings(string storage)
    {
        var settings = GatewayHost.BasicSettings("http://127.0.0.1:1/v1");
        settings["Gateway:Admin:KeySha256:0"] = TeamKeys.Sha256Hex(AdminKey);
        settings["Gateway:Storage:Path"] = storage;
        return settings;
    }

    private static async Task<string> SignInAsync(GatewayHost gateway)
    {
        using var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = new Uri(gateway.Url) };
        using var login = await browser.PostAsync("/admin/login", new FormUrlEncodedContent([new("key", AdminKey)]));
        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        return Assert.Single(login.Headers.GetValues("Set-Cookie")).Split(';')[0];
    }

    private static async Task<HttpStatusCode> StatusWithAsync(GatewayHost gateway, string cookie, string path = "/admin/status", HttpMethod? method = null)
    {
        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = new Uri(gateway.Url) };
        using var request = new HttpRequestMessage(method ?? HttpMethod.Get, path);
        request.Headers.Add("Cookie", cookie);
        using var response = await client.SendAsync(request);
        return response.StatusCode;
    }

    [Fact]
    public async Task A_session_lasts_twelve_hours_on_the_gateway_clock()
    {
        await using var gateway = await GatewayHost.StartAsync(Settings(GatewayHost.NewStoragePath()), GatewayHost.WithClock(_clock));
        var cookie = await SignInAsync(gateway);

        Assert.Equal(HttpStatusCode.OK, await StatusWithAsync(gateway, cookie));
        _clock.Advance(TimeSpan.FromHours(12) - TimeSpan.FromSeconds(1));
        Assert.Equal(HttpStatusCode.OK, await StatusWithAsync(gateway, cookie));
        _clock.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusWithAsync(gateway, cookie));
    }

    [Fact]
    public async Task Removing_the_admin_key_ends_its_sessions_for_good()
    {
        await using var gateway = await GatewayHost.StartAsync(Settings(GatewayHost.NewStoragePath()), GatewayHost.WithClock(_clock));
        var cookie = await SignInAsync(gateway);
        var config = gateway.App.Services.GetRequiredService<GatewayConfigStore>();

        gateway.App.Configuration["Gateway:Admin:KeySha256:0"] = TeamKeys.Sha256Hex("sk-new-admin");
        config.Reload();
        var afterRotation = await StatusWithAsync(gateway, cookie);
        gateway.App.Configuration["Gateway:Admin:KeySha256:0"] = TeamKeys.Sha256Hex(AdminKey);
        config.Reload();

        Assert.Equal(HttpStatusCode.Unauthorized, afterRotation);
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusWithAsync(gateway, cookie)); // the key is back; that session is not
        Assert.Equal(HttpStatusCode.OK, await StatusWithAsync(gateway, await SignInAsync(gateway)));
    }

    [Fact]
    public async Task A_session_survives_a_restart_and_sign_out_ends_it_there_too()
    {
        var storage = GatewayHost.NewStoragePath();
        string cookie;
        await using (var first = await GatewayHost.StartAsync(Settings(storage)))
            cookie = await SignInAsync(first);

        await using var second = await GatewayHost.StartAsync(Settings(storage));
        var afterRestart = await StatusWithAsync(second, cookie);
        var signOut = await StatusWithAsync(second, cookie, "/admin/logout", HttpMethod.Post);

        Assert.Equal(HttpStatusCode.OK, afterRestart);
        Assert.Equal(HttpStatusCode.Redirect, signOut);
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusWithAsync(second, cookie));
        // The cookie's keys live with the gateway's other state, not in the user's profile.
        Assert.Single(Directory.GetFiles(Path.Combine(storage, "admin", "keys"), "key-*.xml"));
        Assert.Empty(Directory.GetFiles(Path.Combine(storage, "admin", "sessions")));
    }
}
