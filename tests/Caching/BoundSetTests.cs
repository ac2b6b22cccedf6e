using LlmGateway.Bench.Caching;
using LlmGateway.Caching;
using LlmGateway.Embeddings.Hashing;
using LlmGateway.Tests.Infrastructure;

namespace LlmGateway.Tests.Caching;

/// <summary>The bound simulation's oracle: duplicate labels join questions into clusters; every other question is a cluster of its own.</summary>
public sealed class BoundSetTests : IDisposable
{
    private readonly string _vectors = TestTemp.NewPath("bound-set-vectors");

    public void Dispose()
    {
        try { Directory.Delete(_vectors, recursive: true); } catch (IOException) { }
    }

    [Fact]
    public async Task Duplicates_join_transitively_and_questions_never_labelled_duplicates_are_not_the_same()
    {
        LabelledPair[] pairs =
        [
            new("How do I reset my password?", "How can I reset my password?", true),
            new("How can I reset my password?", "What do I do to reset my password?", true),
            new("What do I do to reset my password?", "How do I delete my account?", false),
            new("Is 7 a prime number?", "Is 9 a prime number?", false),
        ];

        var set = await BoundSet.BuildAsync("test", pairs, maxQuestions: 100, seed: 1, new HashingEmbedder(512), HitDecision.Guard, _vectors);
        int Q(string text) => Array.IndexOf(set.Questions, text);

        Assert.Equal(6, set.Questions.Length);
        Assert.True(set.Same(Q("How do I reset my password?"), Q("What do I do to reset my password?")));
        Assert.False(set.Same(Q("What do I do to reset my password?"), Q("How do I delete my account?")));
        Assert.False(set.Same(Q("Is 7 a prime number?"), Q("Is 9 a prime number?")));
        Assert.False(set.Same(Q("Is 7 a prime number?"), Q("How do I delete my account?")));
    }
}
