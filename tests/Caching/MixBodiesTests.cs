using System.Text.Json;
using LlmGateway.Bench.Caching;
using LlmGateway.Bench.Compare;

namespace LlmGateway.Tests.Caching;

/// <summary>The bench's realistic mix draws what it says: Zipf-ranked questions, the paraphrase share and the streaming share.</summary>
public sealed class MixBodiesTests
{
    private const int Count = 20_000;

    [Fact]
    public void Evenly_spread_draws_give_exactly_the_zipf_ranks_and_the_paraphrase_and_streaming_shares()
    {
        var pairs = Enumerable.Range(1, 100).Select(k => new LabelledPair($"question {k}?", $"paraphrase {k}?", true)).ToArray();
        var lines = MixBodies.Draw(pairs, Count, zipfExponent: 1.0, streamShare: 0.3, paraphraseShare: 0.5, new EvenlySpread()).ToList();

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

        // The draws cover [0, 1) evenly, so each count is its share of Count, give or take the one draw at a boundary.
        var harmonic = Enumerable.Range(1, 100).Sum(k => 1.0 / k);
        for (var k = 1; k <= 100; k++)
            Assert.True(Math.Abs(perRank[k] - Count / (k * harmonic)) <= 1, $"rank {k}: {perRank[k]} draws, Zipf s=1 gives {Count / (k * harmonic):F1}");
        Assert.InRange(streams, 0.3 * Count - 1, 0.3 * Count + 1);
        Assert.InRange(paraphrases, 0.5 * Count - 1, 0.5 * Count + 1);
    }

    /// <summary>
    /// Draw i's rank value is (i + ½) / Count; its paraphrase and streaming values walk [0, 1) in two other orders (steps
    /// coprime to Count), so each of the three covers every stratum once and they do not move together.
    /// </summary>
    private sealed class EvenlySpread : Random
    {
        private long _calls;

        public override double NextDouble()
        {
            var call = _calls++;
            var (draw, which) = (call / 3, call % 3);
            var stratum = which switch { 0 => draw, 1 => draw * 7_919 % Count, _ => draw * 104_729 % Count };
            return (stratum + 0.5) / Count;
        }
    }
}
