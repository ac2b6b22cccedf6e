using System.Net;
using System.Net.Sockets;

namespace LlmGateway.Demo;

/// <summary>
/// The demo config runs the fake provider on a second port (5081). When that port is taken, a free one is picked
/// before the gateway's config is read, and every provider pointing at the demo follows it, so a busy 5081 costs one
/// log line (<see cref="DemoUpstreamService"/>) instead of a failed start.
/// </summary>
internal static class DemoUpstreamPort
{
    /// <summary>Overrides configuration when the demo provider's port is taken; the move, or null when none was needed.</summary>
    public static DemoUpstreamMove? Resolve(IConfigurationManager configuration)
    {
        if (!bool.TryParse(configuration["Gateway:DemoUpstream:Enabled"], out var enabled) || !enabled)
            return null;
        var configured = (configuration["Gateway:DemoUpstream:Url"] ?? new DemoUpstreamOptions().Url).TrimEnd('/');
        if (!Uri.TryCreate(configured, UriKind.Absolute, out var uri) || !IPAddress.TryParse(uri.Host, out var address) || uri.Port == 0 || IsFree(address, uri.Port))
            return null;

        var moved = new UriBuilder(uri) { Port = FreePort(address) }.Uri.GetLeftPart(UriPartial.Authority);
        var overrides = new Dictionary<string, string?> { ["Gateway:DemoUpstream:Url"] = moved };
        foreach (var provider in configuration.GetSection("Gateway:Providers").GetChildren())
        {
            foreach (var url in provider.GetSection("BaseUrls").GetChildren().Append(provider.GetSection("BaseUrl")))
            {
                if (url.Value is { } value && (value.TrimEnd('/') == configured || value.StartsWith(configured + "/", StringComparison.OrdinalIgnoreCase)))
                    overrides[url.Path] = moved + value[configured.Length..];
            }
        }
        configuration.AddInMemoryCollection(overrides);
        return new DemoUpstreamMove(configured, moved);
    }

    /// <summary>
    /// Free when nothing answers a connection and a listener can bind: the bind probe alone misses some listeners
    /// (a socket with SO_REUSEADDR, as many servers set, still lets a probe bind on Linux).
    /// </summary>
    private static bool IsFree(IPAddress address, int port)
    {
        try
        {
            using var client = new TcpClient();
            client.Connect(address.Equals(IPAddress.Any) ? IPAddress.Loopback : address.Equals(IPAddress.IPv6Any) ? IPAddress.IPv6Loopback : address, port);
            return false;
        }
        catch (SocketException)
        {
        }
        try
        {
            using var listener = new TcpListener(address, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static int FreePort(IPAddress address)
    {
        using var listener = new TcpListener(address, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>The demo provider moved from its configured URL (port taken) to <see cref="To"/>.</summary>
internal sealed record DemoUpstreamMove(string From, string To);
