using LlmGateway.Caching;
using LlmGateway.Caching.Verified;
using LlmGateway.Capture;
using LlmGateway.Embeddings.Hashing;
using LlmGateway.Gateway;

namespace LlmGateway.Tests.Caching.Verified;

public sealed class VerifiedFormatTests
{
    private static CacheEntry Entry(HitEvidence? evidence = null, long total = 0) => new()
    {
        ExactKey = Enumerable.Range(0, 32).Select(i => (byte)i).ToArray(),
        PartitionKey = new byte[32],
        Scope = "team:a",
        Model = "m",
        Endpoint = OpenAiEndpoint.ChatCompletions,
        EmbedderId = "e",
        QueryText = "q",
        Vector = [0.5f, 0.25f],
        CreatedUnixMs = 1,
        ExpiresUnixMs = 2,
        Usage = new TokenUsage(3, 0, 4, false),
        Answer = "{\"choices\":[]}"u8.ToArray(),
        Evidence = evidence,
        EvidenceTotal = total,
    };

    [Fact]
    public void An_entry_keeps_its_evidence_through_its_bytes()
    {
        var evidence = new HitEvidence();
        new ErrorBound().Record(evidence, new EvidencePool(), 0.9, true);
        new ErrorBound().Record(evidence, new EvidencePool(), 0.8, false);

        var read = CacheEntry.Deserialize(Entry(evidence, 2).Serialize());

        Assert.Equal(2, read.EvidenceTotal);
        Assert.Equal([new(0.9f, true), new(0.8f, false)], read.Evidence!.Snapshot());
    }

    [Fact]
    public void An_entry_written_in_the_first_format_is_still_read_with_no_evidence()
    {
        // Format 1 is format 2 without the trailing evidence (total: 8 bytes, count: 1 byte).
        var v2 = Entry().Serialize();
        var v1 = v2[..^9];
        v1[0] = 1;

        var read = CacheEntry.Deserialize(v1);

        Assert.Equal("q", read.QueryText);
        Assert.Equal("{\"choices\":[]}"u8.ToArray(), read.Answer);
        Assert.Null(read.Evidence);
        Assert.Equal(0, read.EvidenceTotal);
        Assert.Throws<InvalidDataException>(() => CacheEntry.Deserialize(v2[..^1]));
    }

    private static byte[] Chat(string content) =>
        System.Text.Encoding.UTF8.GetBytes(new System.Text.Json.Nodes.JsonObject
        {
            ["choices"] = new System.Text.Json.Nodes.JsonArray(new System.Text.Json.Nodes.JsonObject { ["message"] = new System.Text.Json.Nodes.JsonObject { ["content"] = content } }),
        }.ToJsonString());

    [Theory]
    [InlineData("Paris.", "paris", true)]
    [InlineData("The answer is 42!", "the  answer is 42", true)]
    [InlineData("42", "24", false)]
    [InlineData("Yes, you can.", "No, you cannot.", false)]
    public async Task Short_answers_must_be_equal_after_normalisation(string cached, string fresh, bool same)
    {
        var equivalence = new AnswerEquivalence(new HashingEmbedder(512), 0.95);
        Assert.Equal(same, await equivalence.SameAsync(Chat(cached), Chat(fresh), default));
    }

    [Fact]
    public async Task Long_answers_are_compared_by_the_embedders_cosine_against_the_bar()
    {
        var a = string.Join(' ', Enumerable.Range(0, 30).Select(i => "word" + i));
        var b = a + " extra";
        var c = string.Join(' ', Enumerable.Range(100, 30).Select(i => "other" + i));
        var equivalence = new AnswerEquivalence(new HashingEmbedder(512), 0.95);

        Assert.True(await equivalence.SameAsync(Chat(a), Chat(b), default));
        Assert.False(await equivalence.SameAsync(Chat(a), Chat(c), default));
        Assert.Null(await equivalence.SameAsync("{\"choices\":[{\"message\":{\"tool_calls\":[]}}]}"u8.ToArray(), Chat(a), default));
    }
}
