using LlmGateway.Auth;
using LlmGateway.Demo;
using LlmGateway.Gateway;

switch (args.FirstOrDefault())
{
    case "keys":
        return KeysCommand.Run(args, Console.Out);
    case "usage":
        return LlmGateway.Budgets.Finance.UsageCommand.Run(args, Console.Out, Console.Error);
    case "fake-upstream":
        return await FakeUpstreamCommand.RunAsync(args);
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

/// <summary>The entry point, public so tests can name the assembly.</summary>
public partial class Program;
