using LlmGateway.Embeddings.Tokenizers;

namespace LlmGateway.Tests.Embeddings.Tokenizers;

public sealed class UnigramGoldenTests
{
    private static readonly IReadOnlyList<ReferenceCase> Cases = ReferenceCase.Load("unigram.json");

    /// <summary>Each case against two pipelines: NFKC + Metaspace, and e5-style Precompiled + WhitespaceSplit + Metaspace.</summary>
    public static TheoryData<string, string> CaseNames()
    {
        var data = new TheoryData<string, string>();
        foreach (var variant in new[] { "unigram", "unigram-e5style" })
        {
            foreach (var c in ReferenceCase.Load(variant + ".json"))
            {
                data.Add(variant, c.Name);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Matches_reference_ids(string variant, string name)
    {
        var tokenizer = TokenizerLoader.LoadTokenizerJson(Path.Combine(TestPaths.Root, variant, "tokenizer.json"));
        var reference = ReferenceCase.Load(variant + ".json").Single(c => c.Name == name);
        var ids = new long[reference.Ids.Length + 8];
        var count = tokenizer.Encode(reference.Text, ids, ids.Length);
        Assert.Equal(reference.Ids, ids[..count]);
    }

    [Fact]
    public void Unknown_characters_fuse_into_one_unk()
    {
        var tokenizer = TokenizerLoader.LoadTokenizerJson(Path.Combine(TestPaths.Unigram, "tokenizer.json"));
        var ids = new long[16];
        var count = tokenizer.Encode("🍕🍕🍕", ids, 16);
        // <s> ▁ <unk> </s>: the three pizzas are one unknown run.
        Assert.Equal([0L, 94L, 3L, 2L], ids[..count]);
    }

    [Fact]
    public void Truncation_keeps_the_closing_token()
    {
        var tokenizer = TokenizerLoader.LoadTokenizerJson(Path.Combine(TestPaths.Unigram, "tokenizer.json"));
        var reference = Cases.Single(c => c.Name == "very_long_japanese");
        var ids = new long[64];
        var count = tokenizer.Encode(reference.Text, ids, 64);
        Assert.Equal(64, count);
        Assert.Equal(reference.Ids[..63], ids[..63]);
        Assert.Equal(2, ids[63]);
    }

    [Fact]
    public void Long_inputs_are_segmented_in_chunks_with_the_same_result()
    {
        var tokenizer = TokenizerLoader.LoadTokenizerJson(Path.Combine(TestPaths.Unigram, "tokenizer.json"));
        var expected = new long[32];
        var expectedCount = tokenizer.Encode("🍕 how do I reset my password", expected, 32);
        var actual = new long[32];
        var actualCount = tokenizer.Encode(string.Concat(Enumerable.Repeat("🍕", 20_000)) + " how do I reset my password", actual, 32);
        Assert.Equal(expected[..expectedCount], actual[..actualCount]);

        var hundredK = string.Concat(Enumerable.Repeat("パスワードをリセットする方法 ", 8000))[..100_000];
        Assert.Equal(256, tokenizer.Encode(hundredK, new long[256], 256));
    }
}
