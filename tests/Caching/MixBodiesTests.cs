using System.Text.Json;
using LlmGateway.Bench.Caching;
using LlmGateway.Bench.Compare;

namespace LlmGateway.Tests.Caching;

/// <summary>The bench's realistic mix draws what it says: Zipf-ranked questions, the paraphrase share and the streaming share.</summary>
public sealed class MixBodiesTests
{
    [Fact]
    public void Draws_follow_the_zipf_ranks_and_the_paraphrase_and_streaming_shares()
    {
        var pairs = Enumerable.Range(1, 100).Select(k => new LabelledPair($"question {k}?", $"paraphrase {k}?", true)).ToArray();
        var lines = MixBodies.Draw(pairs, 20_000, zipfExponent: 1.0, streamShare: 0.3, paraphraseShare: 0.5, seed: 7).ToList();

        var perRank = new int[101];
        var (streams, paraphrases) = (0, 0);
        foreach (var line in lines)
        {
            using var body = JsonDocument.Parse(line);
            var stream = body.RootElement.TryGetProperty("stream", out var s) && s.GetBoolean();
            Assert.Equal(stream ? "bench-stream" : "bench-model", body.RootElement.GetProperty("model").GetString());
            var content = body.RootElement.GetProperty("messages")[0].GetProperty("content").GetString()!;
            var words = content.TrimEnd('?').Split(' ');
            perRank[int.Parse(words[1])]++;
            streams += stream ? 1 : 0;
            paraphrases += words[0] == "paraphrase" ? 1 : 0;
        }

        // Zipf with s = 1: rank 1 is asked twice as often as rank 2 and ten times as often as rank 10.
        Assert.InRange(perRank[1] / (double)perRank[2], 1.8, 2.2);
        Assert.InRange(perRank[1] / (double)perRank[10], 8.0, 12.0);
        Assert.InRange(streams / (double)lines.Count, 0.28, 0.32);
        Assert.InRange(paraphrases / (double)lines.Count, 0.48, 0.52);
    }
}
