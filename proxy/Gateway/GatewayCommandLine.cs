using System.CommandLine;
using LlmGateway.Auth;
using LlmGateway.Budgets.Finance;
using LlmGateway.Demo;

namespace LlmGateway.Gateway;

/// <summary>
/// The verbs of the executable (<c>keys</c>, <c>usage</c>, <c>fake-upstream</c>), parsed by System.CommandLine.
/// Running the gateway is not a verb: its arguments (<c>--urls</c>, <c>--config</c>, <c>--Section:Key=value</c>) are
/// ASP.NET Core configuration and never pass through this parser, so they keep working exactly as ASP.NET Core reads them.
/// </summary>
internal static class GatewayCommandLine
{
    /// <summary>Exit code of a usage error: 2, as the verbs answered before System.CommandLine (whose own is 1).</summary>
    public const int UsageError = 2;

    public static RootCommand Create() =>
        new("LlmGateway: an OpenAI-compatible gateway. Without a command it runs the gateway: LlmGateway [--urls URL] [--config PATH] "
            + "(default config/gateway.json; any --Section:Key=value overrides configuration).")
        {
            KeysCommand.Create(),
            UsageCommand.Create(),
            FakeUpstreamCommand.Create(),
        };

    /// <summary>A verb (any first word, so a mistyped one is reported), help or version; anything else runs the gateway.</summary>
    public static bool IsCommand(string[] args) => args is [var first, ..] && (!first.StartsWith('-') || first is "-h" or "--help" or "-?" or "--version");

    public static async Task<int> InvokeAsync(string[] args, TextWriter output, TextWriter error)
    {
        var parsed = Create().Parse(args is ["help", .. var rest] ? [.. rest, "--help"] : args);
        var exitCode = await parsed.InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
        return parsed.Errors.Count > 0 ? UsageError : exitCode;
    }
}
