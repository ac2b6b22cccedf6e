using System.Text;
using System.Text.Json.Nodes;
using LlmGateway.Budgets.Usage;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.ML.Tokenizers;

namespace LlmGateway.Tests.Budgets;

/// <summary>One counter with both tokenizers loaded, shared by the tests of a class (loading takes ~0.3 s each).</summary>
public sealed class LoadedTokenCounter : IAsyncLifetime
{
    internal TextTokenCounter Counter { get; } = new(NullLogger<TextTokenCounter>.Instance);

    public Task InitializeAsync() => Task.WhenAll(Counter.LoadAsync(TokenizerKind.O200kBase), Counter.LoadAsync(TokenizerKind.Cl100kBase));

    public Task DisposeAsync() => Task.CompletedTask;
}

public sealed class PromptTokensTests(LoadedTokenCounter loaded) : IClassFixture<LoadedTokenCounter>
{
    // OpenAI's published check of its token-counting recipe against the API ("How to count tokens with tiktoken",
    // openai-cookbook, MIT): these messages were billed 124 prompt tokens by gpt-4o / gpt-4o-mini (o200k_base) and
    // 129 by gpt-4 / gpt-3.5-turbo (cl100k_base); with the weather tool below, 101 and 105.
    private static readonly JsonArray CookbookMessages = JsonNode.Parse("""
        [
          {"role":"system","content":"You are a helpful, pattern-following assistant that translates corporate jargon into plain English."},
          {"role":"system","name":"example_user","content":"New synergies will help drive top-line growth."},
          {"role":"system","name":"example_assistant","content":"Things working well together will increase revenue."},
          {"role":"system","name":"example_user","content":"Let's circle back when we have more bandwidth to touch base on opportunities for increased leverage."},
          {"role":"system","name":"example_assistant","content":"Let's talk later when we're less busy about how to do better."},
          {"role":"user","content":"This late pivot means we don't have time to boil the ocean for the client deliverable."}
        ]
        """)!.AsArray();

    private static readonly JsonArray WeatherMessages = JsonNode.Parse("""
        [
          {"role":"system","content":"You are a helpful assistant that can answer to questions about the weather."},
          {"role":"user","content":"What's the weather like in San Francisco?"}
        ]
        """)!.AsArray();

    private static readonly JsonArray WeatherTools = JsonNode.Parse("""
        [{"type":"function","function":{"name":"get_current_weather","description":"Get the current weather in a given location",
          "parameters":{"type":"object","properties":{
            "location":{"type":"string","description":"The city and state, e.g. San Francisco, CA"},
            "unit":{"type":"string","description":"The unit of temperature to return","enum":["celsius","fahrenheit"]}},
          "required":["location"]}}}]
        """)!.AsArray();

    private TextTokenCounter Counter => loaded.Counter;

    [Theory]
    [InlineData("o200k_base", "gpt-4o", 124)]
    [InlineData("cl100k_base", "gpt-4", 129)]
    public void The_bound_covers_what_openai_billed_for_chat_messages(string tokenizer, string model, int billed)
    {
        var kind = Kind(tokenizer);
        var body = new JsonObject { ["model"] = model, ["messages"] = CookbookMessages.DeepClone() };

        // The documented recipe, counted with this library, gives the API's figure: the library counts as OpenAI does.
        Assert.Equal(billed, Documented(body, Tokenizer(kind)));
        var bound = Bound(body, kind);
        Assert.InRange(bound, billed, Bytes(body));
        Assert.True(bound < billed * 1.5, $"bound {bound} for {billed} billed"); // the byte bound is ~5×: 670 bytes
    }

    [Theory]
    [InlineData("o200k_base", "gpt-4o", 101)]
    [InlineData("cl100k_base", "gpt-4", 105)]
    public void The_bound_covers_what_openai_billed_for_a_tool_definition(string tokenizer, string model, int billed)
    {
        var kind = Kind(tokenizer);
        var body = new JsonObject { ["model"] = model, ["messages"] = WeatherMessages.DeepClone(), ["tools"] = WeatherTools.DeepClone() };

        Assert.Equal(billed, Documented(body, Tokenizer(kind)));
        Assert.InRange(Bound(body, kind), billed, Bytes(body));
    }

    [Theory]
    [InlineData("o200k_base")]
    [InlineData("cl100k_base")]
    public void The_bound_covers_the_documented_count_for_text_that_tokenizes_densely(string tokenizer)
    {
        var kind = Kind(tokenizer);
        string[] contents =
        [
            "東京都の天気は明日どうなりますか？傘を持っていくべきでしょうか。",
            "        if (x != null) {\n            return x.Value;\n        }\n\n\n\t\t// done",
            "🙂🙃😉 naïve café façade — “quotes” ‘and’ …",
            "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
            "3.14159265358979323846264338327950288419716939937510 0x7fffffff 1e-9 2026-12-01T00:00:00Z",
            "",
        ];
        var messages = new JsonArray();
        foreach (var content in contents)
            messages.Add(new JsonObject { ["role"] = "user", ["name"] = "u_1", ["content"] = content });
        // A tool whose enum has many items: the template spends 3 tokens on each.
        var tool = WeatherTools[0]!.DeepClone();
        tool["function"]!["parameters"]!["properties"]!["unit"]!["enum"] = new JsonArray([.. Enumerable.Range(0, 40).Select(i => (JsonNode)("u" + i))]);
        var body = new JsonObject { ["model"] = "m", ["messages"] = messages, ["tools"] = new JsonArray(tool) };

        Assert.InRange(Bound(body, kind), Documented(body, Tokenizer(kind)), Bytes(body));
    }

    [Fact]
    public async Task Text_past_the_inline_budget_is_bounded_by_its_bytes_and_counted_in_the_background_once_repeated()
    {
        var counter = new TextTokenCounter(NullLogger<TextTokenCounter>.Instance);
        await counter.LoadAsync(TokenizerKind.O200kBase);
        // Unique per run: the counter caches by content.
        var document = string.Concat(Enumerable.Repeat("The gateway bounds every prompt before it is forwarded. ", 100)) + Guid.NewGuid();
        // Parsed, as requests are: the long string is hashed in its JSON form, never copied unless counted.
        var body = JsonNode.Parse(new JsonObject { ["model"] = "m", ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = document }) }.ToJsonString());
        var exact = Tokenizer(TokenizerKind.O200kBase).CountTokens(document);

        var first = PromptTokens.Count(body, TokenizerKind.O200kBase, counter)!.Value;
        var second = PromptTokens.Count(body, TokenizerKind.O200kBase, counter)!.Value;
        var deadline = DateTime.UtcNow.AddSeconds(30);
        var later = second;
        while (later.UpperBound == second.UpperBound && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10);
            later = PromptTokens.Count(body, TokenizerKind.O200kBase, counter)!.Value;
        }

        Assert.True(document.Length > TextBudget.PerRequest);
        Assert.True(first.UpperBound >= Encoding.UTF8.GetByteCount(document), $"{first.UpperBound}");
        Assert.Equal(first, second); // the first sighting is not counted: unique long prompts cost nothing
        Assert.Equal(first.UpperBound - Encoding.UTF8.GetByteCount(document) + exact, later.UpperBound);
        Assert.Equal(later.UpperBound, later.Estimate);
    }

    [Fact]
    public async Task A_request_counts_at_most_its_budget_of_new_text_and_cached_text_costs_none_of_it()
    {
        var counter = new TextTokenCounter(NullLogger<TextTokenCounter>.Instance);
        await counter.LoadAsync(TokenizerKind.Cl100kBase);
        var text = new string('x', 1500) + Guid.NewGuid();

        var budget = new TextBudget(2048);
        var first = counter.Count(TokenizerKind.Cl100kBase, text, ref budget);
        var second = counter.Count(TokenizerKind.Cl100kBase, text + "!", ref budget); // new, and more than the 512 left
        var cached = counter.Count(TokenizerKind.Cl100kBase, text, ref budget);

        Assert.Equal(Tokenizer(TokenizerKind.Cl100kBase).CountTokens(text), first);
        Assert.Null(second);
        Assert.Equal(first, cached);
        Assert.Equal(2048 - text.Length, budget.InlineChars);
    }

    [Fact]
    public async Task Until_its_tokenizer_is_loaded_a_prompt_is_not_counted()
    {
        var counter = new TextTokenCounter(NullLogger<TextTokenCounter>.Instance);
        var body = new JsonObject { ["model"] = "m" };

        Assert.Null(PromptTokens.Count(body, TokenizerKind.Bytes, counter));
        // The first call starts the load in the background; meanwhile the caller falls back to bytes.
        var during = PromptTokens.Count(body, TokenizerKind.O200kBase, counter);
        await counter.LoadAsync(TokenizerKind.O200kBase);

        Assert.True(during is null || during.Value.UpperBound > 0);
        Assert.NotNull(PromptTokens.Count(body, TokenizerKind.O200kBase, counter));
    }

    [Fact]
    public void Without_usage_from_the_provider_prompt_and_answer_are_estimated_with_the_same_counter()
    {
        var body = JsonNode.Parse(new JsonObject { ["model"] = "gpt-4o", ["messages"] = CookbookMessages.DeepClone() }.ToJsonString())!.AsObject();
        var stream = "data: {\"choices\":[{\"delta\":{\"role\":\"assistant\",\"content\":\"\"}}]}\n\n" +
                     "data: {\"choices\":[{\"delta\":{\"content\":\"東京\"}}]}\n\n" +
                     "data: {\"choices\":[{\"delta\":{\"content\":\" synergies\"}}]}\n\ndata: [DONE]\n\n";
        var answer = Encoding.UTF8.GetBytes(stream);

        Assert.Equal(Bound(body, TokenizerKind.O200kBase), TokenEstimator.Prompt(body, TokenizerKind.O200kBase, Counter));
        Assert.Equal(Tokenizer(TokenizerKind.O200kBase).CountTokens("東京") + Tokenizer(TokenizerKind.O200kBase).CountTokens(" synergies"),
            TokenEstimator.Completion(answer, eventStream: true, TokenizerKind.O200kBase, Counter));
        Assert.Equal(3, TokenEstimator.Completion(answer, eventStream: true)); // 12 characters at 4 a token without it
    }

    [Theory]
    [InlineData("o200k_base", "o200k_base")]
    [InlineData("CL100K_BASE", "cl100k_base")]
    [InlineData("bytes", "bytes")]
    [InlineData(null, "bytes")]
    [InlineData("p50k_base", null)]
    public void Tokenizer_names_parse(string? name, string? parsed)
    {
        Assert.Equal(parsed is not null, TokenizerKinds.TryParse(name, out var kind));
        if (parsed is not null)
            Assert.Equal(parsed, TokenizerKinds.Name(kind));
    }

    private static TokenizerKind Kind(string name) => TokenizerKinds.TryParse(name, out var kind) ? kind : throw new ArgumentException(name);

    private long Bound(JsonObject body, TokenizerKind kind) => PromptTokens.Count(body, kind, Counter)!.Value.UpperBound;

    private static long Bytes(JsonObject body) => Encoding.UTF8.GetByteCount(body.ToJsonString());

    private static readonly Lazy<Tokenizer> O200k = new(() => TiktokenTokenizer.CreateForEncoding("o200k_base"));
    private static readonly Lazy<Tokenizer> Cl100k = new(() => TiktokenTokenizer.CreateForEncoding("cl100k_base"));

    private static Tokenizer Tokenizer(TokenizerKind kind) => kind == TokenizerKind.O200kBase ? O200k.Value : Cl100k.Value;

    /// <summary>
    /// OpenAI's documented count for chat models (cookbook): 3 per message + the tokens of each of its values (+1 for a
    /// name), 3 to prime the reply; for tools (gpt-4o figures; gpt-4, and here any other model, starts each function with 10) 7 per
    /// function + "name:description", 3 + per parameter 3 + "name:type:description", enums -3 + 3 and the item per item,
    /// 12 at the end. Descriptions lose a final period.
    /// </summary>
    private static int Documented(JsonObject body, Tokenizer tokenizer)
    {
        int Count(string text) => tokenizer.CountTokens(text);
        var count = 3;
        foreach (var message in body["messages"]!.AsArray())
        {
            count += 3;
            foreach (var (key, value) in message!.AsObject())
                count += Count(value!.GetValue<string>()) + (key == "name" ? 1 : 0);
        }
        if (body["tools"] is not JsonArray tools)
            return count;
        var perFunction = body["model"]!.GetValue<string>() == "gpt-4o" ? 7 : 10;
        foreach (var tool in tools)
        {
            var function = tool!["function"]!;
            count += perFunction + Count(function["name"]!.GetValue<string>() + ":" + function["description"]!.GetValue<string>().TrimEnd('.'));
            var properties = function["parameters"]!["properties"]!.AsObject();
            if (properties.Count > 0)
                count += 3;
            foreach (var (name, property) in properties)
            {
                count += 3;
                if (property!["enum"] is JsonArray items)
                    count += -3 + items.Sum(i => 3 + Count(i!.GetValue<string>()));
                count += Count($"{name}:{property["type"]!.GetValue<string>()}:{property["description"]!.GetValue<string>().TrimEnd('.')}");
            }
        }
        return count + 12;
    }
}
