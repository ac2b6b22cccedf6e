using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace LlmGateway.Bench.Gateway;

/// <summary>
/// Loopback connections that each send a chat request head declaring a large <c>Content-Length</c>, then trickle the
/// body (a JSON prefix, then filler) at a fixed rate without ever finishing it. Each is watched for an early answer.
/// </summary>
internal sealed class SlowUploaders : IDisposable
{
    private readonly List<Socket> _sockets = [];
    /// <summary>Per connection: the status of an answer that came before the body was complete, 0 if closed without one.</summary>
    private readonly List<Task<int>> _answers = [];

    private SlowUploaders() { }

    public int Count => _sockets.Count;

    public static async Task<SlowUploaders> OpenAsync(int port, int count, string key, string model, long declaredLength)
    {
        var head = Encoding.ASCII.GetBytes(
            $"POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAuthorization: Bearer {key}\r\n" +
            $"Content-Type: application/json\r\nContent-Length: {declaredLength}\r\n\r\n" +
            $"{{\"model\":\"{model}\",\"messages\":[{{\"role\":\"user\",\"content\":\"");
        var uploaders = new SlowUploaders();
        try
        {
            for (var i = 0; i < count; i++)
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                uploaders._sockets.Add(socket);
                await socket.ConnectAsync(IPAddress.Loopback, port);
                await socket.SendAsync(head);
                uploaders._answers.Add(FirstAnswerAsync(socket));
            }
            return uploaders;
        }
        catch
        {
            uploaders.Dispose();
            throw;
        }
    }

    /// <summary>Sends filler on every connection at <paramref name="bytesPerSecond"/> (in quarter-second steps); returns the bytes sent in all.</summary>
    public async Task<long> TrickleAsync(int bytesPerSecond, TimeSpan duration)
    {
        const int StepsPerSecond = 4;
        var chunk = new byte[Math.Max(1, bytesPerSecond / StepsPerSecond)];
        chunk.AsSpan().Fill((byte)'a');
        var step = TimeSpan.FromSeconds(1.0 / StepsPerSecond);
        var sent = 0L;
        var start = Stopwatch.GetTimestamp();
        for (var i = 1; step * i <= duration; i++)
        {
            var results = await Task.WhenAll(_sockets.Select(socket => SendAsync(socket, chunk)));
            sent += results.Sum();
            var wait = step * i - Stopwatch.GetElapsedTime(start);
            if (wait > TimeSpan.Zero)
                await Task.Delay(wait);
        }
        return sent;
    }

    /// <summary>What the connections got before they were closed: e.g. "none", or "503 x12, closed x3".</summary>
    public string Answers()
    {
        var answered = _answers.Where(a => a.IsCompleted).GroupBy(a => a.Result).OrderBy(g => g.Key)
            .Select(g => g.Key == 0 ? $"closed by the gateway x{g.Count()}" : $"{g.Key} x{g.Count()}").ToList();
        return answered.Count == 0 ? "none" : string.Join(", ", answered);
    }

    public void Dispose()
    {
        foreach (var socket in _sockets)
            socket.Dispose();
    }

    private static async Task<int> SendAsync(Socket socket, byte[] chunk)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(1));
            return await socket.SendAsync(chunk, SocketFlags.None, timeout.Token);
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException)
        {
            return 0;
        }
    }

    private static async Task<int> FirstAnswerAsync(Socket socket)
    {
        var buffer = new byte[64];
        try
        {
            // "HTTP/1.1 503 Service Unavailable"
            var read = await socket.ReceiveAsync(buffer, SocketFlags.None);
            return read >= 12 && int.TryParse(Encoding.ASCII.GetString(buffer, 9, 3), out var status) ? status : 0;
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            return 0;
        }
    }
}
