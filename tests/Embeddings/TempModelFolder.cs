namespace LlmGateway.Tests.Embeddings;

/// <summary>A model folder in Hugging Face layout, assembled in a temp directory from committed test files.</summary>
internal sealed class TempModelFolder : IDisposable
{
    private TempModelFolder(string path) => Path = path;

    public string Path { get; }

    /// <param name="modelFile">File under TestData/models.</param>
    /// <param name="tokenizerFolder">Folder whose tokenizer files are copied (TestPaths.MiniLm or TestPaths.Unigram).</param>
    /// <param name="inOnnxSubfolder">Put the model at onnx/model.onnx instead of model.onnx.</param>
    /// <param name="tokenizerFiles">Which tokenizer files to copy.</param>
    public static TempModelFolder Create(string modelFile, string tokenizerFolder, bool inOnnxSubfolder = false, params string[] tokenizerFiles)
    {
        var path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "llmgw-emb-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(path);
        var modelTarget = inOnnxSubfolder ? System.IO.Path.Combine(path, "onnx", "model.onnx") : System.IO.Path.Combine(path, "model.onnx");
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(modelTarget)!);
        File.Copy(TestPaths.Model(modelFile), modelTarget);
        var files = tokenizerFiles.Length > 0 ? tokenizerFiles : ["tokenizer.json", "tokenizer_config.json", "config.json"];
        foreach (var file in files)
        {
            File.Copy(System.IO.Path.Combine(tokenizerFolder, file), System.IO.Path.Combine(path, file));
        }

        return new TempModelFolder(path);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
