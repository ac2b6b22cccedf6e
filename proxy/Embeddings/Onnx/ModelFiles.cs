namespace LlmGateway.Embeddings.Onnx;

/// <summary>
/// The files of a sentence model laid out as Hugging Face publishes it: <c>model.onnx</c> or
/// <c>onnx/model*.onnx</c>, with <c>tokenizer.json</c> and/or <c>vocab.txt</c>, <c>tokenizer_config.json</c>
/// and <c>config.json</c> beside the model or in the folder above <c>onnx/</c>.
/// </summary>
internal sealed record ModelFiles(string ModelFile, string? TokenizerJson, string? VocabTxt, string? TokenizerConfig, string? Config)
{
    public static ModelFiles Resolve(string modelPath)
    {
        var full = Path.GetFullPath(modelPath);
        string modelFile;
        if (File.Exists(full))
        {
            modelFile = full;
        }
        else if (Directory.Exists(full))
        {
            modelFile = FindModel(full) ?? throw new EmbeddingModelLoadException(
                $"No ONNX model in '{full}' (Gateway:Embeddings:ModelPath): expected model.onnx or onnx/model.onnx (or another onnx/model*.onnx).");
        }
        else
        {
            throw new EmbeddingModelLoadException($"Gateway:Embeddings:ModelPath '{full}' does not exist.");
        }

        var folders = new List<string> { Path.GetDirectoryName(modelFile)! };
        if (Path.GetFileName(folders[0]) == "onnx" && Path.GetDirectoryName(folders[0]) is { } parent)
        {
            folders.Add(parent);
        }

        string? Find(string name) => folders.Select(f => Path.Combine(f, name)).FirstOrDefault(File.Exists);
        var files = new ModelFiles(modelFile, Find("tokenizer.json"), Find("vocab.txt"), Find("tokenizer_config.json"), Find("config.json"));
        if (files.TokenizerJson is null && files.VocabTxt is null)
        {
            throw new EmbeddingModelLoadException(
                $"No tokenizer for '{modelFile}': put tokenizer.json or vocab.txt beside the model (or in the folder above onnx/), as the Hugging Face repository has them.");
        }

        return files;
    }

    private static string? FindModel(string folder)
    {
        foreach (var candidate in new[] { Path.Combine(folder, "model.onnx"), Path.Combine(folder, "onnx", "model.onnx") })
        {
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        var onnx = Path.Combine(folder, "onnx");
        return Directory.Exists(onnx)
            ? Directory.GetFiles(onnx, "model*.onnx").Order(StringComparer.Ordinal).FirstOrDefault()
            : null;
    }
}
