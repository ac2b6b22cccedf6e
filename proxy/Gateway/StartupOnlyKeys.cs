namespace LlmGateway.Gateway;

/// <summary>
/// The keys the gateway reads once, at startup (the table in <c>Gateway/README.md</c>). Everything else under
/// <c>Gateway</c> is rebuilt on every valid reload; a reload that changes one of these is applied for the rest and
/// logged, naming the keys (never their values: a connection string holds a password), instead of being silently ignored.
/// </summary>
internal sealed class StartupOnlyKeys
{
    /// <summary>Sections (every key below them) and single keys read once at startup.</summary>
    public static readonly string[] Paths =
    [
        Caching.CacheOptions.Section,
        Embeddings.EmbeddingsOptions.SectionName,
        VectorIndex.VectorIndexOptions.SectionName,
        Metrics.MetricsOptions.Section,
        "Gateway:Storage:Provider",
        "Gateway:Storage:Path",
        "Gateway:Storage:ConnectionString",
        "Gateway:Storage:AsyncBudgetCommits",
        "Gateway:Limits:MaxConcurrentForwards",
        "Gateway:Limits:MaxQueuedForwards",
        "Gateway:ShutdownTimeout",
        "Gateway:DemoUpstream",
    ];

    private readonly Dictionary<string, string?> _atStartup;

    public StartupOnlyKeys(IConfiguration configuration) => _atStartup = Read(configuration);

    /// <summary>The startup-only keys whose value now differs from the one the gateway started with (added, removed or changed), sorted.</summary>
    public List<string> Changed(IConfiguration configuration)
    {
        var now = Read(configuration);
        return now.Keys.Union(_atStartup.Keys, StringComparer.OrdinalIgnoreCase)
            .Where(key => !string.Equals(now.GetValueOrDefault(key), _atStartup.GetValueOrDefault(key), StringComparison.Ordinal))
            .Order(StringComparer.OrdinalIgnoreCase)
            .ToList();
    }

    private static Dictionary<string, string?> Read(IConfiguration configuration)
    {
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var path in Paths)
        {
            foreach (var (key, value) in configuration.GetSection(path).AsEnumerable())
            {
                // Sections have no value of their own; their keys below them are compared.
                if (value is not null)
                    values[key] = value;
            }
        }
        return values;
    }
}
