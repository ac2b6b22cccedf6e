using LlmGateway.Auth;
using LlmGateway.Budgets.Finance;
using LlmGateway.Demo;
using LlmGateway.Gateway;

switch (args.FirstOrDefault())
{
    case "keys":
        return KeysCommand.Run(args, Console.Out);
    case "usage":
        return UsageCommand.Run(args, Console.Out, Console.Error);
    case "fake-upstream":
        return await FakeUpstreamCommand.RunAsync(args);
    case "help" or "--help" or "-h":
        return Usage(Console.Out, 0);
    case { } verb when !verb.StartsWith('-'):
        Console.Error.WriteLine($"unknown command '{verb}'");
        return Usage(Console.Error, 2);
}

try
{
    await GatewayApp.Create(args).RunAsync();
    return 0;
}
catch (GatewayConfigException ex)
{
    Console.Error.WriteLine(ex.Message);
    return 1;
}
catch (Exception ex) when (ex is IOException or InvalidOperationException or UnauthorizedAccessException
    or Microsoft.Extensions.Options.OptionsValidationException or LlmGateway.Embeddings.EmbeddingModelLoadException)
{
    // Startup failures a user can act on (port in use, storage locked, a model that does not load): say so plainly, on one line.
    Console.Error.WriteLine($"The gateway could not start: {ex.Message.ReplaceLineEndings(" ")}");
    return 1;
}

static int Usage(TextWriter output, int exitCode)
{
    output.WriteLine("usage: LlmGateway [--urls URL] [--config PATH]            run the gateway (default config/gateway.json)");
    output.WriteLine("       LlmGateway keys new                               create a team or admin key (prints it once, with its digest)");
    output.WriteLine("       LlmGateway usage --from DATE --to DATE [--storage PATH] [--format csv|json]   spend report from the ledger");
    output.WriteLine("       LlmGateway fake-upstream [--urls URL] [--latency-ms N] [--chunk-delay-ms N]   the fake OpenAI-compatible provider");
    return exitCode;
}

/// <summary>The entry point, public so tests can name the assembly.</summary>
public partial class Program;
