namespace LlmGateway.Storage;

/// <summary>Opens the cache's entry store when it is not the embedded FASTER one (registered by a storage provider).</summary>
internal interface IEntryStoreProvider
{
    /// <param name="folder">The cache's local folder (vector snapshots stay per process).</param>
    IEntryStore Open(string folder);
}
