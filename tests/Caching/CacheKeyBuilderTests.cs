using System.Text.Json.Nodes;
using LlmGateway.Caching;
using LlmGateway.Gateway;
using LlmGateway.Routing;

namespace LlmGateway.Tests.Caching;

/// <summary>What the cache key hashes and what it leaves out, on parsed bodies alone (the partition rules of Caching/README.md).</summary>
public sealed class CacheKeyBuilderTests
{
    private const string Base = """{"model":"mini","messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"How do I reset my password?"}],"temperature":0.2}""";

    [Theory]
    [InlineData("""{"model":"gpt-4o-mini"}""")]                          // the model as sent (an alias resolves to the same configured model)
    [InlineData("""{"stream":true,"stream_options":{"include_usage":true}}""")]
    [InlineData("""{"user":"u-1","metadata":{"k":"v"},"store":true,"service_tier":"auto"}""")]
    [InlineData("""{"temperature":0.20}""")]                             // the same number written differently
    public void Delivery_only_fields_and_number_spelling_change_no_key(string change)
    {
        var (a, b) = (Key(Base), Key(Merge(Base, change)));

        Assert.Equal(a.Exact, b.Exact);
        Assert.Equal(a.Partition, b.Partition);
    }

    [Theory]
    [InlineData("""{"temperature":0.3}""")]
    [InlineData("""{"seed":1}""")]
    [InlineData("""{"max_tokens":5}""")]
    [InlineData("""{"tools":[{"type":"function","function":{"name":"f"}}]}""")]
    [InlineData("""{"response_format":{"type":"json_object"}}""")]
    [InlineData("""{"messages":[{"role":"system","content":"Be verbose."},{"role":"user","content":"How do I reset my password?"}]}""")]
    public void What_shapes_the_answer_changes_both_keys(string change)
    {
        var (a, b) = (Key(Base), Key(Merge(Base, change)));

        Assert.NotEqual(a.Exact, b.Exact);
        Assert.NotEqual(a.Partition, b.Partition);
    }

    [Fact]
    public void Another_question_in_the_same_conversation_changes_the_exact_key_only()
    {
        var (a, b) = (Key(Base), Key(Base.Replace("How do I reset my password?", "How can I change my password?")));

        Assert.NotEqual(a.Exact, b.Exact);
        Assert.Equal(a.Partition, b.Partition);
        Assert.Equal("How can I change my password?", b.QueryText);
    }

    [Theory]
    [InlineData("team:a", "team:b", "e1", "e1")]
    [InlineData("team:a", "team:a", "e1", "e2")]
    public void Scope_and_embedder_keep_entries_apart(string scopeA, string scopeB, string embedderA, string embedderB)
    {
        var a = Key(Base, scopeA, embedderA);
        var b = Key(Base, scopeB, embedderB);

        Assert.NotEqual(a.Partition, b.Partition);
        Assert.Equal(scopeA == scopeB, a.Exact.AsSpan().SequenceEqual(b.Exact));
    }

    [Theory]
    [InlineData("ChatCompletions", """{"model":"m","messages":[{"role":"user","content":"q"}]}""", true)]
    [InlineData("Completions", """{"model":"m","prompt":"q"}""", true)]
    [InlineData("Embeddings", """{"model":"m","input":"q"}""", false)]
    [InlineData("Responses", """{"model":"m","input":"q"}""", false)]
    [InlineData("ChatCompletions", """{"model":"m","messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"x"}}]}]}""", false)]
    public void Only_a_text_question_allows_a_semantic_lookup(string endpoint, string json, bool semantic) =>
        Assert.Equal(semantic, Key(json, endpoint: Enum.Parse<OpenAiEndpoint>(endpoint)).AllowsSemantic);

    [Fact]
    public void A_request_without_a_model_or_on_another_endpoint_has_no_key()
    {
        Assert.Null(CacheKeyBuilder.Build(new GatewayRequest(OpenAiEndpoint.ChatCompletions, JsonNode.Parse(Base)!.AsObject(), default, "mini", null, false), "team:a", "e", null));
        Assert.Null(CacheKeyBuilder.Build(Request(Base, OpenAiEndpoint.Other), "team:a", "e", null));
    }

    private static CacheKey Key(string json, string scope = "team:a", string embedder = "e1", OpenAiEndpoint endpoint = OpenAiEndpoint.ChatCompletions) =>
        CacheKeyBuilder.Build(Request(json, endpoint), scope, embedder, null)!;

    private static GatewayRequest Request(string json, OpenAiEndpoint endpoint)
    {
        var body = JsonNode.Parse(json)!.AsObject();
        return new GatewayRequest(endpoint, body, default, body["model"]!.GetValue<string>(), new ModelRoute("gpt-4o-mini", []), stream: false);
    }

    private static string Merge(string json, string change)
    {
        var body = JsonNode.Parse(json)!.AsObject();
        foreach (var (name, value) in JsonNode.Parse(change)!.AsObject())
            body[name] = value?.DeepClone();
        return body.ToJsonString();
    }
}
