using System.Globalization;
using System.Text.Json;

namespace LlmGateway.Bench.Caching;

/// <summary>Readers for the labelled sets in ../shared/data (see its README).</summary>
internal static class QualityData
{
    /// <summary>The shared data folder: <c>LLMGW_DATA</c>, else <c>../shared/data</c> above the working directory or the binaries.</summary>
    public static string? Folder()
    {
        var candidates = new[] { Environment.GetEnvironmentVariable("LLMGW_DATA"), Path.Combine(Environment.CurrentDirectory, "..", "shared", "data") }
            .Concat(Ancestors(AppContext.BaseDirectory).Select(d => Path.Combine(d, "..", "shared", "data")));
        return candidates.Where(c => c is not null).Select(c => Path.GetFullPath(c!)).FirstOrDefault(Directory.Exists);
    }

    private static IEnumerable<string> Ancestors(string folder)
    {
        for (var d = new DirectoryInfo(folder); d is not null; d = d.Parent)
            yield return d.FullName;
    }

    /// <summary>QQP pairs (label 1 = duplicate): the main precision benchmark, with hard negatives.</summary>
    public static List<LabelledPair> Qqp(string folder, int max = int.MaxValue)
    {
        using var stream = File.OpenRead(Path.Combine(folder, "gptcache-qqp-benchmark", "qqp-dev.json"));
        using var doc = JsonDocument.Parse(stream);
        return doc.RootElement.EnumerateArray().Take(max)
            .Select(e => new LabelledPair(e.GetProperty("text_a").GetString()!, e.GetProperty("text_b").GetString()!, e.GetProperty("label").GetInt32() == 1))
            .ToList();
    }

    /// <summary>
    /// GPTCache's own benchmark data (<c>mock_data.json</c>): statements about ML libraries (<c>origin</c>) and an LLM's
    /// rewording of each (<c>similar</c>); positives only, so every pair is a duplicate. Null when the file is not there.
    /// </summary>
    public static List<LabelledPair>? GptCacheMock(string folder)
    {
        var path = Path.Combine(folder, "gptcache-qqp-benchmark", "mock_data.json");
        if (!File.Exists(path))
            return null;
        using var stream = File.OpenRead(path);
        using var doc = JsonDocument.Parse(stream);
        return doc.RootElement.EnumerateArray()
            .Select(e => new LabelledPair(e.GetProperty("origin").GetString()!, e.GetProperty("similar").GetString()!, true))
            .ToList();
    }

    /// <summary>PAWS-X (<c>en</c> or <c>ja</c>): adversarial pairs, same words with different meaning (label 0) or paraphrases (1).</summary>
    public static List<LabelledPair> Paws(string folder, string language, int max = int.MaxValue) =>
        File.ReadLines(Path.Combine(folder, "paws-x", $"dev-{language}.tsv")).Take(max)
            .Select(l => l.Split('\t'))
            .Where(p => p.Length >= 3)
            .Select(p => new LabelledPair(p[0], p[1], p[2].Trim() == "1"))
            .ToList();

    /// <summary>JSTS: similarity ≥ 4.5 is a duplicate, ≤ 2 is not; pairs in between are left out.</summary>
    public static List<LabelledPair> Jsts(string folder, int max = int.MaxValue) =>
        File.ReadLines(Path.Combine(folder, "jglue-jsts", "valid-v1.3.json"))
            .Select(l => JsonDocument.Parse(l).RootElement)
            .Select(e => (A: e.GetProperty("sentence1").GetString()!, B: e.GetProperty("sentence2").GetString()!, Score: e.GetProperty("label").GetDouble()))
            .Where(p => p.Score >= 4.5 || p.Score <= 2)
            .Take(max)
            .Select(p => new LabelledPair(p.A, p.B, p.Score >= 4.5))
            .ToList();

    /// <summary>MRPC (the train file; its test file is held out of ../shared/data): news-sentence pairs, quality 1 = paraphrase.</summary>
    public static List<LabelledPair> Mrpc(string folder) =>
        File.ReadLines(Path.Combine(folder, "mrpc", "msr_paraphrase_train.txt")).Skip(1) // a header (after a BOM)
            .Select(l => l.Split('\t'))
            .Where(p => p.Length >= 5)
            .Select(p => new LabelledPair(p[3], p[4], p[0].Trim() == "1"))
            .ToList();

    /// <summary>
    /// STS-B train and dev (tab-separated, no quote handling): similarity ≥ <paramref name="same"/> means the same,
    /// ≤ <paramref name="different"/> not; pairs in between are left out.
    /// </summary>
    public static List<LabelledPair> Stsb(string folder, double same = 4.0, double different = 3.0) =>
        new[] { "sts-train.tsv", "sts-dev.tsv" }
            .SelectMany(f => File.ReadLines(Path.Combine(folder, "stsb", f)))
            .Select(l => l.Split('\t'))
            .Where(p => p.Length >= 7)
            .Select(p => (A: p[5], B: p[6], Score: double.Parse(p[4], CultureInfo.InvariantCulture)))
            .Where(p => p.Score >= same || p.Score <= different)
            .Select(p => new LabelledPair(p.A, p.B, p.Score >= same))
            .ToList();

    public static string Format(double value) => value.ToString("0.000", CultureInfo.InvariantCulture);
}
