using LlmGateway.Embeddings.Tokenizers;
using Xunit.Abstractions;

namespace LlmGateway.Tests.Embeddings.Tokenizers;

public sealed class WordPieceGoldenTests(ITestOutputHelper output)
{
    private static readonly IReadOnlyList<ReferenceCase> Cases = ReferenceCase.Load("wordpiece.json");

    public static TheoryData<string> CaseNames() => new(Cases.Select(c => c.Name));

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void TokenizerJson_matches_reference_ids(string name)
    {
        var tokenizer = TokenizerLoader.LoadTokenizerJson(Path.Combine(TestPaths.MiniLm, "tokenizer.json"));
        AssertMatches(tokenizer, Cases.Single(c => c.Name == name));
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void VocabTxt_matches_reference_ids(string name)
    {
        var tokenizer = TokenizerLoader.LoadVocabTxt(Path.Combine(TestPaths.MiniLm, "vocab.txt"), Path.Combine(TestPaths.MiniLm, "tokenizer_config.json"));
        AssertMatches(tokenizer, Cases.Single(c => c.Name == name));
    }

    [Fact]
    public void Shared_tokenizer_json_gives_the_same_ids_as_the_committed_copy()
    {
        var shared = TestPaths.SharedMiniLm();
        if (shared is null)
        {
            output.WriteLine("SKIPPED: ../shared/models/all-MiniLM-L6-v2 is not present; the committed copy was tested instead.");
            return;
        }

        var tokenizer = TokenizerLoader.LoadTokenizerJson(Path.Combine(shared, "tokenizer.json"));
        foreach (var c in Cases)
        {
            AssertMatches(tokenizer, c);
        }
    }

    [Fact]
    public void Truncation_keeps_the_first_tokens_and_the_closing_sep()
    {
        var tokenizer = TokenizerLoader.LoadTokenizerJson(Path.Combine(TestPaths.MiniLm, "tokenizer.json"));
        var reference = Cases.Single(c => c.Name == "very_long_english");
        Assert.True(reference.Ids.Length > 256);
        var ids = new long[256];
        var count = tokenizer.Encode(reference.Text, ids, 256);
        Assert.Equal(256, count);
        Assert.Equal(reference.Ids[..255], ids[..255]);
        Assert.Equal(102, ids[255]);
    }

    [Fact]
    public void Hundred_thousand_characters_are_truncated_without_error()
    {
        var tokenizer = TokenizerLoader.LoadTokenizerJson(Path.Combine(TestPaths.MiniLm, "tokenizer.json"));
        var text = string.Concat(Enumerable.Repeat("日本語とEnglish mixed text, ", 5000))[..100_000];
        var ids = new long[128];
        var count = tokenizer.Encode(text, ids, 128);
        Assert.Equal(128, count);
        Assert.Equal(101, ids[0]);
        Assert.Equal(102, ids[127]);
    }

    private static void AssertMatches(ITokenizer tokenizer, ReferenceCase reference)
    {
        var ids = new long[reference.Ids.Length + 8];
        var count = tokenizer.Encode(reference.Text, ids, ids.Length);
        Assert.Equal(reference.Ids, ids[..count]);
    }
}
