using LlmGateway.Gateway;

if (GatewayCommandLine.IsCommand(args))
{
    return await GatewayCommandLine.InvokeAsync(args, Console.Out, Console.Error);
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

/// <summary>The entry point, public so tests can name the assembly.</summary>
public partial class Program;
