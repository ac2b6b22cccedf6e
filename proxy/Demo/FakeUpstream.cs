using System.Collections.Concurrent;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace LlmGateway.Demo;

/// <summary>
/// An OpenAI-compatible fake provider: deterministic answers, <c>usage</c> filled, SSE streaming with a
/// configurable cadence, latency and error injection. Serves the demo, the tests and the benchmarks.
/// </summary>
public sealed class FakeUpstream : IAsyncDisposable
{
    private const int MaxRecorded = 1000;
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<FakeUpstreamRequest> _requests = new();
    private int _abortedRequests;

    private FakeUpstream(WebApplication app, string url)
    {
        _app = app;
        Url = url;
    }

    /// <summary>Where it listens, e.g. <c>http://127.0.0.1:5081</c>; the OpenAI base URL is <see cref="BaseUrl"/>.</summary>
    public string Url { get; }

    public string BaseUrl => Url + "/v1";

    /// <summary>Recorded requests, oldest first (only with <see cref="FakeUpstreamOptions.RecordRequests"/>).</summary>
    public IReadOnlyCollection<FakeUpstreamRequest> Requests => _requests;

    /// <summary>Requests whose client went away before the answer was complete.</summary>
    public int AbortedRequests => Volatile.Read(ref _abortedRequests);

    /// <param name="time">
    /// The clock the injected latency and chunk delays run on (the system clock by default), so tests can put the
    /// fake's waits on the same fake clock the gateway measures with.
    /// </param>
    public static async Task<FakeUpstream> StartAsync(FakeUpstreamOptions options, string url = "http://127.0.0.1:0", CancellationToken cancellationToken = default,
        TimeProvider? time = null)
    {
        // The fake reads no config files, so it watches none (each watch is one of the user's inotify instances).
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = ["--hostBuilder:reloadConfigOnChange=false"] });
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls(url);
        builder.WebHost.ConfigureKestrel(k => k.AddServerHeader = false);
        var app = builder.Build();
        FakeUpstream? self = null;
        var responder = new FakeResponder(options, time ?? TimeProvider.System);
        app.Run(async context =>
        {
            if (options.RecordRequests)
                await self!.RecordAsync(context);
            try
            {
                await responder.RespondAsync(context);
            }
            catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
            {
                Interlocked.Increment(ref self!._abortedRequests);
            }
        });
        await app.StartAsync(cancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        self = new FakeUpstream(app, address.TrimEnd('/'));
        return self;
    }

    private async Task RecordAsync(HttpContext context)
    {
        context.Request.EnableBuffering();
        using var reader = new StreamReader(context.Request.Body, leaveOpen: true);
        var body = await reader.ReadToEndAsync(context.RequestAborted);
        context.Request.Body.Position = 0;
        var headers = context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        _requests.Enqueue(new FakeUpstreamRequest(context.Request.Method, context.Request.Path, context.Request.QueryString.Value ?? "", headers, body));
        while (_requests.Count > MaxRecorded)
            _requests.TryDequeue(out _);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
