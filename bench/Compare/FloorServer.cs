using System.CommandLine;
using LlmGateway.Bench.Common;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Yarp.ReverseProxy.Configuration;

namespace LlmGateway.Bench.Compare;

/// <summary>
/// <c>floor-server</c> (started by <c>compare</c>, not meant to be run by hand): what the gateway is built on, with none
/// of the gateway's own steps, so that <c>compare</c> can say how much of the gateway's cost is its foundation's.
/// <c>--mode yarp</c>: Kestrel and a stock YARP route to the upstream (the floor of pass-through);
/// <c>--mode kestrel</c>: Kestrel reading the request body and answering the canned completion (the floor of an exact hit).
/// Same runtime settings as the gateway (workstation concurrent GC, tiered PGO; the bench project sets them alike).
/// </summary>
internal static class FloorServer
{
    public const string Yarp = "yarp";
    public const string Kestrel = "kestrel";

    public static Command Command()
    {
        var mode = BenchArgs.With("--mode", Yarp, "yarp (Kestrel + YARP to --upstream) or kestrel (a canned answer).");
        var port = BenchArgs.With("--port", 0, "Port to listen on (127.0.0.1).");
        var upstream = BenchArgs.With("--upstream", 0, "The upstream's port (yarp mode).");
        var command = new Command("floor-server", "For compare: Kestrel + YARP, or Kestrel alone, with none of the gateway's steps.") { mode, port, upstream };
        command.Hidden = true;
        command.SetAction(p => RunAsync(p.GetValue(mode)!, p.GetValue(port), p.GetValue(upstream)));
        return command;
    }

    private static async Task<int> RunAsync(string mode, int port, int upstreamPort)
    {
        if (mode is not (Yarp or Kestrel) || port is < 1 or > 65535 || (mode == Yarp && upstreamPort is < 1 or > 65535))
        {
            Console.Error.WriteLine("floor-server: --mode yarp|kestrel --port 1..65535 [--upstream 1..65535 for yarp]");
            return 2;
        }
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.AddServerHeader = false);
        if (mode == Yarp)
        {
            builder.Services.AddReverseProxy().LoadFromMemory(
                [new RouteConfig { RouteId = "v1", ClusterId = "upstream", Match = new RouteMatch { Path = "/v1/{**rest}" } }],
                [new ClusterConfig { ClusterId = "upstream", Destinations = new Dictionary<string, DestinationConfig> { ["canned"] = new() { Address = $"http://127.0.0.1:{upstreamPort}/" } } }]);
        }
        var app = builder.Build();
        app.MapGet("/health", () => "ok");
        if (mode == Yarp)
            app.MapReverseProxy();
        else
            app.MapPost("/v1/chat/completions", async (HttpContext context) =>
            {
                // Read the whole body, as the gateway must before it can key or route a request.
                var read = await context.Request.BodyReader.ReadAsync();
                while (!read.IsCompleted)
                {
                    context.Request.BodyReader.AdvanceTo(read.Buffer.Start, read.Buffer.End);
                    read = await context.Request.BodyReader.ReadAsync();
                }
                context.Request.BodyReader.AdvanceTo(read.Buffer.End);
                return Results.Text(CannedUpstream.Completion, "application/json");
            });
        await app.RunAsync();
        return 0;
    }
}
