using System.Net;
using System.Net.Sockets;

namespace LlmGateway.Tests.Infrastructure;

internal static class TcpPorts
{
    /// <summary>A loopback port nothing listens on right now (for a refused connection, or a child process to bind).</summary>
    public static int Unused()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
