using LlmGateway.Bench.Caching;
using LlmGateway.Embeddings.Hashing;
using Xunit.Abstractions;

namespace LlmGateway.Tests.Caching;

/// <summary>
/// A small fixed sample of the labelled sets, run through the same harness as the <c>cache-quality</c>
/// bench, so a regression in the embedder, the guard or the threshold logic shows up in CI. The counts are
/// golden values for the built-in hashing embedder at threshold 0.95 (the figure the README reports).
/// </summary>
public sealed class CacheQualitySampleTests(ITestOutputHelper output)
{
    private const double Threshold = 0.95;

    [Fact]
    public async Task Hits_on_the_fixed_sample_match_the_measured_figures_and_the_guard_pays()
    {
        var folder = QualityData.Folder();
        if (folder is null)
        {
            output.WriteLine("SKIPPED: ../shared/data is absent (set LLMGW_DATA); the quality sample needs it.");
            return;
        }
        var harness = new QualityHarness(new HashingEmbedder(512));
        var qqp = await harness.ScoreAsync(QualityData.Qqp(folder, 4000));
        var pawsEn = await harness.ScoreAsync(QualityData.Paws(folder, "en", 500));
        var pawsJa = await harness.ScoreAsync(QualityData.Paws(folder, "ja", 500));

        var results = new[] { ("qqp", qqp), ("paws-en", pawsEn), ("paws-ja", pawsJa) }
            .Select(s => (s.Item1, Plain: QualityHarness.At(s.Item2, Threshold, guard: false), Guarded: QualityHarness.At(s.Item2, Threshold, guard: true)))
            .ToList();
        foreach (var (name, plain, guarded) in results)
            output.WriteLine($"{name}: no guard {plain.Hits} hits / {plain.FalseHits} false; guard {guarded.Hits} hits / {guarded.FalseHits} false");

        // The guard must remove false hits on the adversarial sets (and never add hits).
        Assert.All(results, r => Assert.True(r.Guarded.Hits <= r.Plain.Hits && r.Guarded.FalseHits <= r.Plain.FalseHits));
        Assert.True(results[1].Guarded.FalseHits < results[1].Plain.FalseHits / 4, "guard stops most PAWS-X en look-alikes");
        Assert.Equal(Golden, results.Select(r => (r.Item1, r.Guarded.Hits, r.Guarded.FalseHits)).ToArray());
    }

    private static readonly (string, int, int)[] Golden = [("qqp", 8, 0), ("paws-en", 10, 0), ("paws-ja", 15, 1)];
}
