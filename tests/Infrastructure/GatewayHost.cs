using System.Net.Http.Headers;
using LlmGateway.Gateway;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LlmGateway.Tests.Infrastructure;

/// <summary>The real gateway on a loopback port (Kestrel on port 0), configured in memory.</summary>
public sealed class GatewayHost : IAsyncDisposable
{
    public const string TeamKey = "sk-gw-test-team-a";
    public const string OtherTeamKey = "sk-gw-test-team-b";
    public const string ProviderKey = "sk-provider-secret-123";

    private GatewayHost(WebApplication app, string url, CapturingLoggerProvider logs)
    {
        App = app;
        Url = url;
        Logs = logs;
    }

    public WebApplication App { get; }
    public string Url { get; }
    public CapturingLoggerProvider Logs { get; }

    public static async Task<GatewayHost> StartAsync(IDictionary<string, string?> settings, Action<WebApplicationBuilder>? configure = null)
    {
        var logs = new CapturingLoggerProvider();
        // Each gateway gets its own storage unless the test shares one on purpose (restart tests).
        if (!settings.ContainsKey("Gateway:Storage:Path"))
            settings = new Dictionary<string, string?>(settings) { ["Gateway:Storage:Path"] = NewStoragePath() };
        // The hashing embedder unless a test asks for a model: loading the built-in sentence model (the product
        // default) costs a second and ~200 MB per gateway, and these tests are about the pipeline, not the model.
        if (!settings.ContainsKey(HashingEmbedderKey))
            settings = new Dictionary<string, string?>(settings) { [HashingEmbedderKey] = "hashing" };
        // No file watchers: tests reload config from memory, and every watcher takes one of the user's 128 inotify
        // instances, which parallel tests (and anything else the machine runs as the same user) would exhaust.
        var app = GatewayApp.Create(["--urls", "http://127.0.0.1:0", "--hostBuilder:reloadConfigOnChange=false"], builder =>
        {
            builder.Configuration.AddInMemoryCollection(settings);
            builder.Logging.ClearProviders();
            builder.Logging.SetMinimumLevel(LogLevel.Debug);
            builder.Logging.AddProvider(logs);
            configure?.Invoke(builder);
        });
        try
        {
            await app.StartAsync();
        }
        catch
        {
            await app.DisposeAsync(); // a gateway that failed to start releases its storage (tests start another on it)
            throw;
        }
        var url = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First().TrimEnd('/');
        return new GatewayHost(app, url, logs);
    }

    private const string HashingEmbedderKey = "Gateway:Embeddings:Provider";

    /// <summary>Settings for one team (key <see cref="TeamKey"/>) and one provider at <paramref name="baseUrl"/>, with the hashing embedder.</summary>
    public static Dictionary<string, string?> BasicSettings(string baseUrl) => new()
    {
        [HashingEmbedderKey] = "hashing",
        ["Gateway:Providers:main:Kind"] = "openai",
        ["Gateway:Providers:main:BaseUrl"] = baseUrl,
        ["Gateway:Providers:main:ApiKeyEnv"] = "TEST_PROVIDER_KEY",
        ["TEST_PROVIDER_KEY"] = ProviderKey,
        ["Gateway:Models:gpt-4o-mini:Provider"] = "main",
        ["Gateway:Models:gpt-4o-mini:UpstreamModel"] = "fake-model",
        ["Gateway:Models:gpt-4o-mini:Aliases:0"] = "mini",
        ["Gateway:Models:text-embedding-3-small:Provider"] = "main",
        ["Gateway:Teams:team-a:KeySha256:0"] = LlmGateway.Auth.TeamKeys.Sha256Hex(TeamKey),
        ["Gateway:Teams:team-b:KeySha256:0"] = LlmGateway.Auth.TeamKeys.Sha256Hex(OtherTeamKey),
        ["Gateway:Teams:team-b:Models:0"] = "text-embedding-3-small",
    };

    /// <summary>
    /// Runs the gateway on <paramref name="clock"/> (pass as the configure callback). The gateway only adds the
    /// system clock when none is registered, and this runs first.
    /// </summary>
    public static Action<WebApplicationBuilder> WithClock(TimeProvider clock) => builder => builder.Services.AddSingleton(clock);

    public static string NewStoragePath() => TestTemp.NewPath("gateway");

    /// <param name="key">The team key sent as Bearer (none when null).</param>
    /// <param name="abortOnDispose">Close the connection when a response is disposed unread (no draining), as a client that goes away does.</param>
    public HttpClient Client(string? key = TeamKey, bool abortOnDispose = false)
    {
        var handler = new SocketsHttpHandler { MaxResponseDrainSize = abortOnDispose ? 0 : 1024 * 1024 };
        var client = new HttpClient(handler) { BaseAddress = new Uri(Url), Timeout = TimeSpan.FromSeconds(60) };
        if (key is not null)
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
    }
}
