namespace LlmGateway.Storage;

/// <summary><c>Gateway:Storage</c>: where durable state lives (cache entries, vector snapshots, the spend ledger).</summary>
public sealed record StorageOptions
{
    /// <summary><c>faster</c> (embedded, the default).</summary>
    public string Provider { get; init; } = "faster";

    /// <summary>Folder for FASTER's files; each capability uses a sub-folder (<c>cache/</c>, <c>ledger/</c>). Relative paths are from the working directory.</summary>
    public string Path { get; init; } = "data";
}
