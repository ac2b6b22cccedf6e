namespace LlmGateway.Tests.Embeddings;

/// <summary>Where the committed Embeddings test data is copied next to the test assembly.</summary>
internal static class TestPaths
{
    public static string Root => Path.Combine(AppContext.BaseDirectory, "Embeddings", "TestData");

    public static string MiniLm => Path.Combine(Root, "minilm");

    public static string Unigram => Path.Combine(Root, "unigram");

    public static string Model(string file) => Path.Combine(Root, "models", file);

    public static string Reference(string file) => Path.Combine(Root, "reference", file);

    /// <summary>../shared/models/all-MiniLM-L6-v2 beside the repository, or null when this checkout has none.</summary>
    public static string? SharedMiniLm()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "models", "all-MiniLM-L6-v2");
            if (File.Exists(Path.Combine(candidate, "tokenizer.json")))
            {
                return candidate;
            }
        }

        return null;
    }
}
