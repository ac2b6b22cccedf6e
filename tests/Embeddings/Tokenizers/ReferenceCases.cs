using System.Text.Json;

namespace LlmGateway.Tests.Embeddings.Tokenizers;

/// <summary>Reference token ids produced by scripts/embeddings/make_reference.mjs with @huggingface/transformers.</summary>
internal sealed record ReferenceCase(string Name, string Text, long[] Ids)
{
    public override string ToString() => Name;

    public static IReadOnlyList<ReferenceCase> Load(string file)
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(TestPaths.Reference(file)));
        return document.RootElement.GetProperty("cases").EnumerateArray()
            .Select(c => new ReferenceCase(
                c.GetProperty("name").GetString()!,
                c.GetProperty("text").GetString()!,
                c.GetProperty("ids").EnumerateArray().Select(x => x.GetInt64()).ToArray()))
            .ToArray();
    }
}
