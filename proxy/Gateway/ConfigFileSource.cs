using Microsoft.Extensions.Configuration.EnvironmentVariables;

namespace LlmGateway.Gateway;

/// <summary>
/// Adds the gateway's JSON file (<c>--config PATH</c>, default <c>config/gateway.json</c>) below environment
/// variables and the command line, so <c>Gateway__Providers__openai__BaseUrl</c> overrides the file.
/// </summary>
internal static class ConfigFileSource
{
    public const string DefaultPath = "config/gateway.json";

    public static void AddGatewayConfigFile(this ConfigurationManager configuration)
    {
        var explicitPath = configuration["config"];
        var path = Path.GetFullPath(explicitPath ?? DefaultPath, Environment.CurrentDirectory);
        if (explicitPath is not null && !File.Exists(path))
            throw new GatewayConfigException([$"--config: file '{path}' does not exist."]);

        var sources = (IList<IConfigurationSource>)configuration.Sources;
        var index = sources.ToList().FindIndex(s => s is EnvironmentVariablesConfigurationSource);
        // The host's own switch for watching config files also covers this one (each watch is an inotify instance).
        var watch = configuration.GetValue("hostBuilder:reloadConfigOnChange", defaultValue: true);
        var tmp = new ConfigurationBuilder().AddJsonFile(path, optional: explicitPath is null, reloadOnChange: watch);
        var source = tmp.Sources[0];
        if (index < 0) sources.Add(source);
        else sources.Insert(index, source);
    }
}
