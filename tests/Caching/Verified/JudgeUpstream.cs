using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LlmGateway.Tests.Caching.Verified;

/// <summary>A provider that answers every chat completion with one fixed reply (the judge's verdict) and records what it was sent.</summary>
internal sealed class JudgeUpstream : IAsyncDisposable
{
    private readonly WebApplication _app;

    private JudgeUpstream(WebApplication app, string url)
    {
        _app = app;
        Url = url;
    }

    public string Url { get; }

    /// <summary>Authorization header and body of each request, oldest first.</summary>
    public ConcurrentQueue<(string Authorization, string Body)> Requests { get; } = new();

    public static async Task<JudgeUpstream> StartAsync(string reply)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = ["--hostBuilder:reloadConfigOnChange=false"] });
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        JudgeUpstream? self = null;
        app.Run(async context =>
        {
            using var reader = new StreamReader(context.Request.Body);
            self!.Requests.Enqueue((context.Request.Headers.Authorization.ToString(), await reader.ReadToEndAsync(context.RequestAborted)));
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(JudgeStubs.Completion(reply), context.RequestAborted);
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        self = new JudgeUpstream(app, address.TrimEnd('/'));
        return self;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
