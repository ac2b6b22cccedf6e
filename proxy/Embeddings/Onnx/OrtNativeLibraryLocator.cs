namespace LlmGateway.Embeddings.Onnx;

/// <summary>
/// Finds <c>libonnxruntime.so.1</c>: the configured <c>Gateway:Embeddings:NativeLibraryPath</c> when set,
/// otherwise <c>.tools/onnxruntime/</c> (where <c>scripts/setup.sh</c> puts it) in the working directory, the
/// application directory or any of their parents.
/// </summary>
internal static class OrtNativeLibraryLocator
{
    internal const string SetupCommand = "scripts/setup.sh";
    internal const string RelativeDefault = ".tools/onnxruntime/libonnxruntime.so.1";

    public static string Locate(string? configuredPath)
    {
        if (!string.IsNullOrWhiteSpace(configuredPath))
        {
            var full = Path.GetFullPath(configuredPath);
            if (File.Exists(full))
            {
                return full;
            }

            throw new EmbeddingModelLoadException(
                $"The ONNX Runtime native library configured in Gateway:Embeddings:NativeLibraryPath was not found at '{full}'. " +
                $"Run {SetupCommand} to fetch it into {RelativeDefault}, or point the setting at an existing libonnxruntime.so.");
        }

        var looked = new List<string>();
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, RelativeDefault);
                if (File.Exists(candidate))
                {
                    return candidate;
                }

                looked.Add(candidate);
            }
        }

        throw new EmbeddingModelLoadException(
            $"The ONNX Runtime native library (libonnxruntime.so.1 from npm onnxruntime-node@1.22.0) was not found. " +
            $"Run {SetupCommand} to fetch it into {RelativeDefault}, or set Gateway:Embeddings:NativeLibraryPath. " +
            $"Looked in: {string.Join(", ", looked.Distinct().Take(6))}{(looked.Count > 6 ? ", ..." : "")}");
    }
}
