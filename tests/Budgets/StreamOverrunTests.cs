using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using LlmGateway.Budgets;
using LlmGateway.Budgets.Accounts;
using LlmGateway.Caching;
using LlmGateway.Demo;
using LlmGateway.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace LlmGateway.Tests.Budgets;

/// <summary>A provider that ignores <c>max_tokens</c>: streams are cut at the reserved cap plus the margin, aborted upstream, and charged what was delivered.</summary>
public sealed class StreamOverrunTests : IAsyncLifetime
{
    private const int MaxTokens = 20;
    // Defaults: 50 % + 16 tokens.
    private static readonly long Limit = StreamOverrunGuard.Limit(MaxTokens, new AccountingOptions());
    private FakeUpstream _upstream = null!;

    public async Task InitializeAsync() => _upstream = await FakeUpstream.StartAsync(new FakeUpstreamOptions());

    public async Task DisposeAsync() => await _upstream.DisposeAsync();

    public static TheoryData<string, string> Endpoints => new()
    {
        { "/v1/chat/completions", $$"""{"model":"mini","stream":true,"max_tokens":{{MaxTokens}},"messages":[{"role":"user","content":"count to many"}]}""" },
        { "/v1/completions", $$"""{"model":"mini","stream":true,"max_tokens":{{MaxTokens}},"prompt":"count to many"}""" },
        { "/v1/responses", $$"""{"model":"mini","stream":true,"max_output_tokens":{{MaxTokens}},"input":"count to many"}""" },
    };

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task A_stream_past_max_tokens_is_cut_with_an_error_event_aborted_upstream_and_charged_what_was_delivered(string path, string body)
    {
        await using var gateway = await GatewayHost.StartAsync(BudgetSettings.With(_upstream.BaseUrl, BudgetSettings.TempStorage()));

        // 50 × max_tokens words, 20 ms apart: the provider is still generating when the gateway stops it.
        var events = await StreamAsync(gateway, path, body, answerWords: 50 * MaxTokens, chunkDelayMs: 20);

        var deltas = events.Count(IsTextDelta);
        Assert.InRange(deltas, MaxTokens, Limit); // the honest part and the margin went through, nothing past the limit
        var error = JsonNode.Parse(events[^1])!["error"]!;
        Assert.Equal(BudgetErrors.MaxTokensExceeded, error["code"]!.GetValue<string>());
        Assert.Equal("upstream_error", error["type"]!.GetValue<string>());
        Assert.Contains($"output cap of {MaxTokens} tokens", error["message"]!.GetValue<string>());
        Assert.DoesNotContain("[DONE]", events);
        Assert.DoesNotContain(events.SkipLast(1), e => e.Contains("\"error\""));

        await WaitUntilAsync(() => _upstream.AbortedRequests == 1);
        Assert.Equal(1, _upstream.AbortedRequests);

        var record = Assert.Single(await BudgetSettings.WaitForRecordsAsync(gateway, 1));
        Assert.True(record.Estimated);
        Assert.InRange(record.CompletionTokens, deltas, Limit); // every delivered delta is charged, never more than the limit
        // The stated bound: prompt bound (request bytes) at the input price + the limit at the output price.
        var bound = (Encoding.UTF8.GetByteCount(body) * 0.15m + Limit * 0.60m) / 1_000_000m;
        Assert.InRange(record.CostUsd, 0.000001m, bound);
        var day = gateway.App.Services.GetRequiredService<BudgetEngine>().Book.Team("team-a").Balances(BudgetPolicy.Unlimited, DateTimeOffset.UtcNow)[0];
        Assert.Equal((record.CostUsd, 0m), (day.SpentUsd, day.ReservedUsd));
        Assert.Contains("cut after", gateway.Logs.All);
    }

    [Fact]
    public async Task A_stream_that_uses_all_of_its_max_tokens_is_not_cut()
    {
        await using var gateway = await GatewayHost.StartAsync(BudgetSettings.With(_upstream.BaseUrl, BudgetSettings.TempStorage()));
        const int maxTokens = 200;
        var body = $$"""{"model":"mini","stream":true,"max_tokens":{{maxTokens}},"messages":[{"role":"user","content":"count to many"}]}""";

        // Exactly max_tokens words; their UTF-8 bytes / 4 come to ~1.3 tokens per word, so the counter errs high here
        // as it does on real English: a 10 % margin would cut this honest answer.
        var events = await StreamAsync(gateway, "/v1/chat/completions", body, answerWords: maxTokens, chunkDelayMs: 0);

        Assert.Equal(maxTokens, events.Count(IsTextDelta));
        Assert.Equal("[DONE]", events[^1]);
        Assert.DoesNotContain(events, e => e.Contains("\"error\""));
        var record = Assert.Single(await BudgetSettings.WaitForRecordsAsync(gateway, 1));
        Assert.False(record.Estimated);
        Assert.Equal(maxTokens, record.CompletionTokens);
        Assert.Equal(0, _upstream.AbortedRequests);
    }

    [Fact]
    public async Task A_cut_stream_is_never_cached()
    {
        var settings = BudgetSettings.With(_upstream.BaseUrl, BudgetSettings.TempStorage());
        settings["Gateway:Cache:Enabled"] = "true";
        await using var gateway = await GatewayHost.StartAsync(settings);
        var (path, body) = ("/v1/chat/completions", (string)Endpoints.First()[1]);

        var (first, _) = await StreamWithHeadersAsync(gateway, path, body, answerWords: 50 * MaxTokens, chunkDelayMs: 0);
        await Metrics.MetricsScrape.WhenAsync(gateway, m => m.Sum("llm_gateway_cache_not_stored_total", ("reason", "incomplete")) >= 1);
        var (second, events) = await StreamWithHeadersAsync(gateway, path, body, answerWords: 50 * MaxTokens, chunkDelayMs: 0);

        Assert.Equal(["MISS", "MISS"], new[] { first, second }.Select(h => h.GetValues("x-cache").Single()));
        Assert.Contains(BudgetErrors.MaxTokensExceeded, events[^1]);
        Assert.Equal(2, (await BudgetSettings.WaitForRecordsAsync(gateway, 2)).Count);
    }

    [Fact]
    public async Task Without_accounting_there_is_no_reservation_and_nothing_is_cut()
    {
        await using var gateway = await GatewayHost.StartAsync(GatewayHost.BasicSettings(_upstream.BaseUrl));
        var (path, body) = ("/v1/chat/completions", (string)Endpoints.First()[1]);

        var events = await StreamAsync(gateway, path, body, answerWords: 50 * MaxTokens, chunkDelayMs: 0);

        Assert.Equal(50 * MaxTokens, events.Count(IsTextDelta));
        Assert.Equal("[DONE]", events[^1]);
    }

    [Fact]
    public async Task A_non_streamed_answer_past_max_tokens_cannot_be_cut_and_is_charged_the_providers_usage()
    {
        await using var gateway = await GatewayHost.StartAsync(BudgetSettings.With(_upstream.BaseUrl, BudgetSettings.TempStorage()));
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = Json.Body($$"""{"model":"mini","max_tokens":{{MaxTokens}},"messages":[{"role":"user","content":"count to many"}]}"""),
        };
        request.Headers.Add("x-fake-answer-words", (50 * MaxTokens).ToString());

        using var response = await gateway.Client().SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var record = Assert.Single(await BudgetSettings.WaitForRecordsAsync(gateway, 1));
        Assert.Equal((50L * MaxTokens, false), (record.CompletionTokens, record.Estimated));
    }

    private static bool IsTextDelta(string data)
    {
        if (data == "[DONE]" || JsonNode.Parse(data) is not JsonObject json)
            return false;
        if (json["type"] is { } type)
            return type.GetValue<string>() == "response.output_text.delta";
        var choice = json["choices"]?.AsArray().FirstOrDefault();
        var text = choice?["delta"]?["content"] ?? choice?["text"];
        return text?.GetValue<string>() is { Length: > 0 };
    }

    private static async Task<List<string>> StreamAsync(GatewayHost gateway, string path, string body, int answerWords, int chunkDelayMs) =>
        (await StreamWithHeadersAsync(gateway, path, body, answerWords, chunkDelayMs)).Events;

    /// <summary>Reads the whole stream as a client does; a stream the gateway cut must still end cleanly.</summary>
    private static async Task<(System.Net.Http.Headers.HttpResponseHeaders Headers, List<string> Events)> StreamWithHeadersAsync(
        GatewayHost gateway, string path, string body, int answerWords, int chunkDelayMs)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = Json.Body(body) };
        request.Headers.Add("x-fake-answer-words", answerWords.ToString());
        request.Headers.Add("x-fake-chunk-delay-ms", chunkDelayMs.ToString());
        using var response = await gateway.Client().SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var events = new List<string>();
        await foreach (var data in Sse.ReadDataAsync(await response.Content.ReadAsStreamAsync()))
            events.Add(data);
        return (response.Headers, events);
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!condition() && DateTime.UtcNow < deadline)
            await Task.Delay(20);
    }
}
