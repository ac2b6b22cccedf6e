using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using LlmGateway.Demo;
using LlmGateway.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace LlmGateway.Tests.Budgets;

public sealed partial class StreamingUsageTests : IAsyncLifetime
{
    private FakeUpstream _upstream = null!;
    private GatewayHost _gateway = null!;

    public async Task InitializeAsync()
    {
        _upstream = await FakeUpstream.StartAsync(new FakeUpstreamOptions { RecordRequests = true });
        _gateway = await GatewayHost.StartAsync(BudgetSettings.With(_upstream.BaseUrl, BudgetSettings.TempStorage()));
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _upstream.DisposeAsync();
    }

    [Fact]
    public async Task Without_include_usage_the_client_sees_exactly_what_the_provider_would_have_sent_and_the_ledger_has_real_usage()
    {
        var body = """{"model":"fake-model","stream":true,"messages":[{"role":"user","content":"count my tokens please"}]}""";
        using var direct = new HttpClient();
        var expected = await (await direct.PostAsync(_upstream.BaseUrl + "/chat/completions", Json.Body(body))).Content.ReadAsStringAsync();
        // Through the gateway with the alias the team uses (rewritten to fake-model upstream).
        var viaGateway = await (await _gateway.Client().PostAsync("/v1/chat/completions", Json.Body(body.Replace("fake-model", "gpt-4o-mini")))).Content.ReadAsStringAsync();

        Assert.Equal(Normalize(expected), Normalize(viaGateway));
        Assert.DoesNotContain("usage", viaGateway);
        var sent = JsonNode.Parse(_upstream.Requests.Last().Body)!;
        Assert.True(sent["stream_options"]!["include_usage"]!.GetValue<bool>());

        var record = Assert.Single(await BudgetSettings.WaitForRecordsAsync(_gateway, 1));
        Assert.False(record.Estimated);
        Assert.Equal(FakeResponder.CountTokens("count my tokens please "), record.PromptTokens);
        Assert.Equal(FakeResponder.Answer("count my tokens please").Split(' ').Length, record.CompletionTokens);
        Assert.Equal((record.PromptTokens * 0.15m + record.CompletionTokens * 0.60m) / 1_000_000m, record.CostUsd);
    }

    [Fact]
    public async Task A_client_that_asked_for_usage_gets_the_usage_chunk()
    {
        var body = """{"model":"mini","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"usage please"}]}""";
        var text = await (await _gateway.Client().PostAsync("/v1/chat/completions", Json.Body(body))).Content.ReadAsStringAsync();

        Assert.Contains("\"usage\":{\"prompt_tokens\":", text);
        Assert.Contains("\"usage\":null", text);
        Assert.False(Assert.Single(await BudgetSettings.WaitForRecordsAsync(_gateway, 1)).Estimated);
    }

    [Fact]
    public async Task A_stream_cut_short_is_recorded_with_estimated_usage()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = Json.Chat("mini", "one two three four five six seven", stream: true) };
        request.Headers.Add("x-fake-reset-after-chunks", "4");
        try
        {
            using var response = await _gateway.Client().SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            await (await response.Content.ReadAsStreamAsync()).CopyToAsync(Stream.Null);
        }
        catch (HttpRequestException)
        {
            // the provider reset the stream mid-way
        }
        catch (IOException)
        {
        }

        var record = Assert.Single(await BudgetSettings.WaitForRecordsAsync(_gateway, 1));
        Assert.True(record.Estimated);
        // Prompt "one two three four five six seven" (33 chars) + role "user" = 37 chars → 10 tokens at 4 chars/token.
        Assert.Equal(10, record.PromptTokens);
        // 4 chunks went by: role chunk ("") and 3 words "This is the" = 11 chars → 3 tokens.
        Assert.Equal(3, record.CompletionTokens);
        Assert.True(record.CostUsd > 0);
    }

    [Fact]
    public async Task A_client_that_disconnects_mid_stream_is_charged_an_estimate_of_what_was_forwarded()
    {
        // Its clock never moves, so the stream is still going when the client leaves, however slow the machine.
        await using var slow = await FakeUpstream.StartAsync(new FakeUpstreamOptions { ChunkDelayMs = 300 }, time: new FakeTimeProvider());
        await using var gateway = await GatewayHost.StartAsync(BudgetSettings.With(slow.BaseUrl, BudgetSettings.TempStorage()));
        var client = gateway.Client(abortOnDispose: true);
        using (var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = Json.Chat("mini", "a long answer please", stream: true) })
        {
            var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            await (await response.Content.ReadAsStreamAsync()).ReadAtLeastAsync(new byte[64], 1);
            response.Dispose();
            client.Dispose();
        }

        var record = Assert.Single(await BudgetSettings.WaitForRecordsAsync(gateway, 1));
        Assert.True(record.Estimated);
        Assert.True(record.CompletionTokens < FakeResponder.Answer("a long answer please").Split(' ').Length, $"{record.CompletionTokens} tokens for a cut stream");
        Assert.True(record.PromptTokens > 0);
    }

    [Fact]
    public async Task A_provider_error_records_nothing_and_gives_the_reservation_back()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = Json.Chat("mini", "fail") };
        request.Headers.Add("x-fake-status", "500");
        using var response = await _gateway.Client().SendAsync(request);
        using var ok = await _gateway.Client().PostAsync("/v1/chat/completions", Json.Chat("mini", "works"));

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        var record = Assert.Single(await BudgetSettings.WaitForRecordsAsync(_gateway, 1));
        Assert.Equal(ok.Headers.GetValues("x-request-id").Single(), record.RequestId);
        var engine = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<LlmGateway.Budgets.Accounts.BudgetEngine>(_gateway.App.Services);
        var day = engine.Book.Team("team-a").Balances(LlmGateway.Budgets.Accounts.BudgetPolicy.Unlimited, DateTimeOffset.UtcNow)[0];
        Assert.Equal((record.CostUsd, 0m), (day.SpentUsd, day.ReservedUsd));
    }

    [Fact]
    public async Task Non_streaming_chat_embeddings_and_responses_are_priced_from_their_usage()
    {
        var client = _gateway.Client();
        using var chat = await client.PostAsync("/v1/chat/completions", Json.Chat("mini", "a b c"));
        using var embed = await client.PostAsync("/v1/embeddings", Json.Body("""{"model":"text-embedding-3-small","input":["one two","three"]}"""));
        using var responses = await client.PostAsync("/v1/responses", Json.Body("""{"model":"mini","input":"four five"}"""));
        Assert.All([chat, embed, responses], r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));

        var records = await BudgetSettings.WaitForRecordsAsync(_gateway, 3);
        Assert.Equal(3, records.Count);
        var embedding = records.Single(r => r.Model == "text-embedding-3-small");
        Assert.Equal((3L, 0L), (embedding.PromptTokens, embedding.CompletionTokens)); // the fake counts words: "one two" + "three"
        Assert.Equal(embedding.PromptTokens * 0.02m / 1_000_000m, embedding.CostUsd);
        Assert.All(records, r => Assert.False(r.Estimated));
        Assert.Equal(2, records.Count(r => r.Model == "gpt-4o-mini" && r.CompletionTokens > 0));
    }

    /// <summary>Ids and timestamps differ between two calls; everything else must match byte for byte.</summary>
    private static string Normalize(string sse) => Created().Replace(Id().Replace(sse, "\"id\":\"X\""), "\"created\":0");

    [GeneratedRegex("\"id\":\"chatcmpl-fake-\\d+\"")]
    private static partial Regex Id();

    [GeneratedRegex("\"created\":\\d+")]
    private static partial Regex Created();
}
