using System.Numerics.Tensors;
using LlmGateway.Caching;
using LlmGateway.Embeddings.Onnx;
using LlmGateway.Embeddings.Packaged;
using LlmGateway.Tests.Embeddings;
using Xunit.Abstractions;

namespace LlmGateway.Tests.Caching;

/// <summary>Each built-in model's shipped decision on cosines the model really gives (rewordings written here, not from the data).</summary>
[Collection(NonParallelCollection.Name)] // loads the built-in model (~200 MB, a core for a second)
public sealed class HitVerifierModelTests(ITestOutputHelper output)
{
    // Rewordings the look-alike guard refuses (a content word on one side: "what"/"what's", "make"/"earn", "fast"/"quickly").
    private static readonly (string Asked, string Stored)[] Rewordings =
    [
        ("What's the capital of France?", "What is the capital of France?"),
        ("How can I earn money online?", "How do I make money online?"),
        ("How do I lose weight fast?", "How can I lose weight quickly?"),
        ("What is the best way to learn Python?", "How do I learn Python?"),
        ("How do I fix a slow laptop?", "How can I speed up my slow laptop?"),
        ("Why is the sky blue?", "What makes the sky blue?"),
    ];

    private static readonly (string Asked, string Stored)[] Traps =
    [
        ("Is 7 prime?", "Is 9 prime?"),
        ("Can I run this on Windows?", "Can't I run this on Windows?"),
        ("Why did Alice leave Bob?", "Why did Bob leave Alice?"),
        ("How do I learn C?", "How do I learn C++?"),
        ("What does a = b mean in Python?", "What does a == b mean in Python?"),
        ("What is the best way to learn dentistry?", "What is the best way to learn journalism?"),
        // A word in another script inside English: too few such letters for the other-script rule to route the pair; the
        // veto on words of another script refuses it whatever the cosine.
        ("What does 사랑 mean?", "What does 행복 mean?"),
        ("How do I say ありがとう in French?", "How do I say さようなら in French?"),
        ("What does 时尚达人 mean?", "What does 达人 mean?"),
    ];

    // QQP asks such questions ("What does 呵呵 mean?"): a third or more of the pieces are [UNK], so two different words can
    // give the same pieces and a cosine near 1. Neither the bar nor the learned part can refuse them; the veto on letters of
    // another script does.
    private static readonly (string Asked, string Stored)[] Unreadable =
    [
        ("What does 呵呵 mean?", "What does 即将 mean?"),
        ("How do I translate 即将开奖 to English?", "How do I translate 呵呵 to English?"),
    ];

    // An adversarial review of the gateway served each of these with MiniLM (cosines 0.95-1.00): the same words with a
    // direction, an opposite, a prefix, an accent, a flag or a symbol's place changed. The vetoes refuse them above the bar.
    private static readonly (string Asked, string Stored)[] ReviewTraps =
    [
        ("How do I convert Celsius to Fahrenheit?", "How do I convert to Celsius from Fahrenheit?"),
        ("Is there a direct train to Berlin?", "Is there a direct train from Berlin?"),
        ("Are all swans white?", "Are some swans white?"),
        ("Is it legal to record a phone call in California?", "Is it illegal to record a phone call in California?"),
        ("What is the weather in Paris today?", "What is the weather in Paris tomorrow?"),
        ("How many legs do three spiders have?", "How many legs do four spiders have?"),
        ("Is 5 > 3?", "Is 3 > 5?"),
        ("What does i++ do in C?", "What does ++i do in C?"),
        ("What is the capital of 🇦🇺?", "What is the capital of 🇺🇦?"),
        ("What does 'año' mean in Spanish?", "What does 'ano' mean in Spanish?"),
    ];

    [Theory]
    [InlineData("all-MiniLM-L6-v2")]
    [InlineData("snowflake-arctic-embed-xs")]
    public void Rewordings_the_guard_refuses_are_served_and_traps_are_not(string model)
    {
        using var embedder = OnnxEmbedder.LoadPackaged(PackagedModel.Find(model)!, null, 256);
        var shipped = HitDecisions.For(embedder.ModelId);
        Assert.NotNull(shipped);
        var decision = HitDecision.For(shipped, useVerifier: true);
        (bool AboveBar, bool Served) Decide((string Asked, string Stored) pair, string kind)
        {
            var v = embedder.EmbedBatch([pair.Asked, pair.Stored], CancellationToken.None);
            var cosine = TensorPrimitives.Dot(v[0], v[1]);
            var above = cosine >= shipped.Threshold;
            var served = above && decision.Allows(pair.Asked, pair.Stored, cosine);
            output.WriteLine($"{kind} cosine {cosine:0.000} guard {LookAlikeGuard.Allows(pair.Asked, pair.Stored)} served {served}: {pair.Asked} | {pair.Stored}");
            return (above, served);
        }

        var rewordings = Rewordings.Select(r => Decide(r, "rewording")).ToList();
        var traps = Traps.Select(t => Decide(t, "trap")).ToList();
        var unreadable = Unreadable.Select(u => Decide(u, "unreadable")).ToList();
        var reviewTraps = ReviewTraps.Select(t => Decide(t, "review trap")).ToList();

        Assert.All(Rewordings, r => Assert.False(LookAlikeGuard.Allows(r.Asked, r.Stored)));
        Assert.All(Traps.Concat(Unreadable), t => Assert.False(OtherScripts.IsRouted(t.Asked) || OtherScripts.IsRouted(t.Stored)));
        Assert.DoesNotContain(traps, t => t.Served);
        Assert.All(Unreadable, u => Assert.True(Math.Max(embedder.UnknownShare(u.Asked), embedder.UnknownShare(u.Stored)) >= 0.3));
        Assert.All(unreadable, u => Assert.True(u.AboveBar));
        Assert.DoesNotContain(unreadable, u => u.Served);
        Assert.All(reviewTraps, t => Assert.True(t.AboveBar));
        Assert.DoesNotContain(reviewTraps, t => t.Served);
        // The shipped cosine bar keeps some freer rewordings out: the verifier decides only above it,
        // and there it serves what the guard refused. Not every one: at precision 0.9 it serves about a fifth of QQP's
        // duplicates with MiniLM, an eighth with Arctic (README).
        Assert.Contains(rewordings, r => r.AboveBar);
        Assert.Contains(rewordings, r => r.Served);
    }
}
