namespace LlmGateway.Bench.Common;

/// <summary>
/// The gateway config the benches run with: one team with one key, one model on a fake upstream, cache off (so the
/// hashing embedder: a sentence model would only add load time and memory),
/// warnings-only logging, storage in a temp folder of this bench process.
/// </summary>
internal static class BenchGatewayConfig
{
    public const string Key = "sk-gw-bench";
    public const string Model = "bench-model";

    /// <summary>Writes the config file and returns its path.</summary>
    public static string Write(int upstreamPort)
    {
        var path = Path.Combine(Path.GetTempPath(), $"llmgateway-bench-{Environment.ProcessId}.json");
        File.WriteAllText(path, $$"""
        {
          "Logging": { "LogLevel": { "Default": "Warning" } },
          "Gateway": {
            "Cache": { "Enabled": false },
            "Embeddings": { "Provider": "hashing" },
            "Storage": { "Path": "{{StoragePath}}" },
            "Providers": { "fake": { "BaseUrl": "http://127.0.0.1:{{upstreamPort}}/v1" } },
            "Models": { "{{Model}}": { "Provider": "fake" } },
            "Teams": { "bench": { "KeySha256": [ "{{Auth.TeamKeys.Sha256Hex(Key)}}" ] } }
          }
        }
        """);
        return path;
    }

    public static string StoragePath => Path.Combine(Path.GetTempPath(), $"llmgateway-bench-data-{Environment.ProcessId}");
}
