using System.Text.Json;
using LlmGateway.Bench.Caching;

namespace LlmGateway.Bench.Compare;

/// <summary>
/// The realistic mix: request bodies drawn ahead of time so wrk and the open-loop generator only replay them.
/// Questions come from the QQP duplicate pairs in <c>../shared/data</c>: a question's rank is Zipf-distributed (a few
/// are asked very often, most rarely), each draw asks either the pair's first wording or its paraphrase, and a share of
/// the draws stream (the <c>bench-stream</c> model, whose canned upstream answers SSE).
/// </summary>
internal sealed record MixBodies(string File, int Count, int Distinct, double ZipfExponent, double StreamShare, double ParaphraseShare, int FirstNonStreamIndex)
{
    /// <summary>Writes one JSON body per line to a temp file; null (with the reason on stderr) when the data folder is absent.</summary>
    public static MixBodies? Generate(int count = 20_000, int distinct = 2_000, double zipfExponent = 1.0, double streamShare = 0.3, double paraphraseShare = 0.5, int seed = 16)
    {
        if (QualityData.Folder() is not { } folder || !global::System.IO.File.Exists(Path.Combine(folder, "gptcache-qqp-benchmark", "qqp-dev.json")))
        {
            Console.Error.WriteLine("(no ../shared/data/gptcache-qqp-benchmark: the realistic-mix rows are left out; set LLMGW_DATA)");
            return null;
        }
        var pairs = QualityData.Qqp(folder).Where(p => p.Duplicate).Take(distinct).ToArray();
        var path = Path.Combine(Path.GetTempPath(), $"llmgw-mix-{count}-{distinct}-{zipfExponent}-{streamShare}-{paraphraseShare}-{seed}.txt"); // rewritten each run, never piles up
        using (var writer = new StreamWriter(path))
        {
            foreach (var line in Draw(pairs, count, zipfExponent, streamShare, paraphraseShare, seed))
                writer.WriteLine(line);
        }
        var firstNonStream = global::System.IO.File.ReadLines(path).ToList().FindIndex(l => !l.Contains("\"stream\":true", StringComparison.Ordinal));
        return new MixBodies(path, count, pairs.Length, zipfExponent, streamShare, paraphraseShare, firstNonStream);
    }

    /// <summary>
    /// The bodies, one JSON document per line: question rank k drawn with P(k) ∝ 1 / k^s (by inverting the cumulative
    /// distribution), then the pair's paraphrase or first wording, then streaming or not.
    /// </summary>
    internal static IEnumerable<string> Draw(IReadOnlyList<LabelledPair> pairs, int count, double zipfExponent, double streamShare, double paraphraseShare, int seed) =>
        Draw(pairs, count, zipfExponent, streamShare, paraphraseShare, new Random(seed));

    /// <param name="random">Three draws per body, in order: the rank, paraphrase or not, streaming or not.</param>
    internal static IEnumerable<string> Draw(IReadOnlyList<LabelledPair> pairs, int count, double zipfExponent, double streamShare, double paraphraseShare, Random random)
    {
        var cumulative = new double[pairs.Count];
        var sum = 0.0;
        for (var k = 0; k < pairs.Count; k++)
            cumulative[k] = sum += 1 / Math.Pow(k + 1, zipfExponent);
        for (var i = 0; i < count; i++)
        {
            var rank = Array.BinarySearch(cumulative, random.NextDouble() * sum);
            var pair = pairs[Math.Min(rank < 0 ? ~rank : rank, pairs.Count - 1)];
            var question = random.NextDouble() < paraphraseShare ? pair.B : pair.A;
            yield return Body(question, stream: random.NextDouble() < streamShare);
        }
    }

    /// <summary>One body per line (JSON never holds a raw newline).</summary>
    public IReadOnlyList<string> Lines() => global::System.IO.File.ReadAllLines(File);

    /// <summary>The row for <c>compare</c> and <c>openloop</c>: the mix against a cache-on gateway, counting hits.</summary>
    public CompareSystem Row(string url, Func<int> processId, IReadOnlyDictionary<string, string> headers) =>
        new("gateway realistic mix", "keep-alive", url, Lines()[FirstNonStreamIndex], processId) { Headers = headers, BodiesFile = File, CountHits = true };

    public string Describe() =>
        $"{Count} bodies, {Distinct} QQP duplicate pairs, Zipf s={ZipfExponent}, {ParaphraseShare:P0} paraphrases, {StreamShare:P0} streaming";

    private static string Body(string question, bool stream) => stream
        ? JsonSerializer.Serialize(new { model = "bench-stream", stream = true, messages = new[] { new { role = "user", content = question } } })
        : JsonSerializer.Serialize(new { model = "bench-model", messages = new[] { new { role = "user", content = question } } });
}
