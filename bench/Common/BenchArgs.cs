using System.CommandLine;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace LlmGateway.Bench.Common;

internal static class BenchArgs
{
    /// <summary>An option with a default, shown in <c>--help</c>.</summary>
    public static Option<T> With<T>(string name, T defaultValue, string description) =>
        new(name) { Description = description, DefaultValueFactory = _ => defaultValue };

    /// <summary>A comma-separated list of integers, underscores allowed: <c>--sizes 100_000,1_000_000</c>.</summary>
    public static Option<int[]> Integers(string name, int[] defaultValue, string description) => new(name)
    {
        Description = description,
        DefaultValueFactory = _ => defaultValue,
        Arity = ArgumentArity.ExactlyOne,
        CustomParser = result =>
        {
            var text = result.Tokens[0].Value;
            var values = text.Split(',').Select(x => int.TryParse(x.Replace("_", ""), NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : (int?)null).ToArray();
            if (values.Any(v => v is null))
            {
                result.AddError($"{name}: '{text}' is not a comma-separated list of integers.");
                return [];
            }

            return values.Select(v => v!.Value).ToArray();
        },
    };

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
