using System.Reflection;

namespace LlmGateway.Metrics;

/// <summary>
/// Version and commit of the running build, for <c>llm_gateway_build_info</c>. The commit comes from the
/// <c>GitCommit</c> assembly metadata that <c>BuildInfo.targets</c> sets from <c>git rev-parse</c>; "unknown" without git.
/// </summary>
internal sealed record BuildInfo(string Version, string Commit)
{
    public const string Unknown = "unknown";

    public static BuildInfo Of(Assembly assembly)
    {
        var version = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
            ?? assembly.GetName().Version?.ToString() ?? Unknown;
        var plus = version.IndexOf('+', StringComparison.Ordinal);
        if (plus >= 0)
            version = version[..plus];
        var commit = assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "GitCommit")?.Value;
        return new BuildInfo(version, string.IsNullOrWhiteSpace(commit) ? Unknown : commit.Trim());
    }
}
