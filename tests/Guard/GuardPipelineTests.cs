using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using LlmGateway.Guard;
using LlmGateway.Tests.Caching;
using LlmGateway.Tests.Infrastructure;
using LlmGateway.Tests.Metrics;

namespace LlmGateway.Tests.Guard;

/// <summary>The guard step in the real gateway against the fake upstream (which echoes the question in its answer).</summary>
public sealed class GuardPipelineTests
{
    private const string Email = "hanako.sato@example.co.jp";
    private const string Card = "4111 1111 1111 1111";
    private const string MyNumber = "123456789018";

    private static Action<Dictionary<string, string?>> Guard(params (string Key, string Value)[] settings) => s =>
    {
        foreach (var (key, value) in settings)
            s[$"Gateway:Teams:team-a:Guard:{key}"] = value;
    };

    [Fact]
    public async Task Block_answers_an_openai_400_naming_the_categories_and_nothing_reaches_the_provider()
    {
        await using var host = await CacheTestHost.StartAsync(Guard(("Default", "block")));

        using var response = await host.AskAsync(CacheTestHost.Chat($"Charge {Card} and mail {Email}"));

        await Json.AssertOpenAiErrorAsync(response, 400, code: GuardMiddleware.BlockedCode);
        var message = (await Json.ReadObjectAsync(response))["error"]!["message"]!.GetValue<string>();
        Assert.Contains("credit_card", message);
        Assert.Contains("email", message);
        Assert.DoesNotContain(Email, message);
        Assert.DoesNotContain("4111", message);
        Assert.Empty(host.Upstream.Requests);
    }

    [Fact]
    public async Task Redact_sends_typed_placeholders_and_the_same_value_gets_the_same_one()
    {
        await using var host = await CacheTestHost.StartAsync(Guard(("Default", "redact")));

        using var response = await host.AskAsync(CacheTestHost.Chat($"Mail {Email} about card {Card}, then mail {Email} again", system: $"My number is {MyNumber}"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var sent = JsonNode.Parse(host.Upstream.Requests.Single().Body)!;
        var user = sent["messages"]![1]!["content"]!.GetValue<string>();
        Assert.Equal("Mail [EMAIL_1] about card [CREDIT_CARD_1], then mail [EMAIL_1] again", user);
        Assert.Equal("My number is [MY_NUMBER_1]", sent["messages"]![0]!["content"]!.GetValue<string>());
        Assert.Equal("fake-model", sent["model"]!.GetValue<string>());
    }

    [Fact]
    public async Task Every_text_the_provider_reads_is_scanned_and_structure_is_not()
    {
        await using var host = await CacheTestHost.StartAsync(Guard(("Categories:Email", "redact")));
        var body = $$$"""
            {"model":"gpt-4o-mini","messages":[
              {"role":"user","content":[{"type":"text","text":"to {{{Email}}}"},{"type":"image_url","image_url":{"url":"https://x.test/a@b.example.com"}}]},
              {"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function","function":{"name":"send","arguments":"{\"to\":\"{{{Email}}}\"}"}}]},
              {"role":"tool","tool_call_id":"call_1","content":"sent to {{{Email}}}"},
              {"role":"user","content":"done?"}]}
            """;

        using var response = await host.AskAsync(body);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var sent = host.Upstream.Requests.Single().Body;
        Assert.DoesNotContain(Email, sent);
        Assert.Contains("to [EMAIL_1]", sent);
        Assert.Equal("""{"to":"[EMAIL_1]"}""", JsonNode.Parse(sent)!["messages"]![1]!["tool_calls"]![0]!["function"]!["arguments"]!.GetValue<string>());
        Assert.Contains("sent to [EMAIL_1]", sent);
        Assert.Contains("https://x.test/a@b.example.com", sent); // an image URL is not prose
        Assert.Contains("\"call_1\"", sent);
    }

    [Fact]
    public async Task Log_lets_the_request_through_unchanged_and_counts_it()
    {
        await using var host = await CacheTestHost.StartAsync(Guard(("Default", "log")));

        using var response = await host.AskAsync(CacheTestHost.Chat($"Mail {Email}"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(Email, host.Upstream.Requests.Single().Body);
        var metrics = await MetricsScrape.TextAsync(host.Gateway);
        Assert.Contains("llm_gateway_guard_detections", metrics);
        Assert.Matches("""llm_gateway_guard_detections[^\n]*action="log"[^\n]*category="email"[^\n]*team="team-a"[^\n]* 1""", metrics);
    }

    [Fact]
    public async Task A_model_override_turns_the_guard_off_for_that_model_only()
    {
        await using var host = await CacheTestHost.StartAsync(Guard(("Default", "block"), ("Models:other-model:Default", "off")));

        using var other = await host.AskAsync(CacheTestHost.Chat($"Mail {Email}", model: "other-model"));
        using var mini = await host.AskAsync(CacheTestHost.Chat($"Mail {Email}"));

        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, mini.StatusCode);
    }

    [Fact]
    public async Task Another_team_without_a_guard_is_not_touched()
    {
        await using var host = await CacheTestHost.StartAsync(Guard(("Default", "block")));

        using var response = await host.AskAsync(CacheTestHost.Chat($"Mail {Email}"), key: GatewayHost.OtherTeamKey);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(Email, host.Upstream.Requests.Single().Body);
    }

    [Fact]
    public async Task Restore_puts_values_back_in_a_json_answer_and_the_cache_keeps_placeholders()
    {
        await using var host = await CacheTestHost.StartAsync(Guard(("Default", "redact"), ("Restore", "true")));
        var question = $"Reply to {Email} with \"quotes\"";

        using var first = await host.AskAsync(CacheTestHost.Chat(question));
        using var second = await host.AskAsync(CacheTestHost.Chat(question));

        var answer = (await Json.ReadObjectAsync(first))["choices"]![0]!["message"]!["content"]!.GetValue<string>();
        Assert.Equal($"This is the fake upstream's answer to: {question}", answer);
        Assert.Equal("HIT", CacheTestHost.XCache(second));
        Assert.Contains(Email, (await Json.ReadObjectAsync(second))["choices"]![0]!["message"]!["content"]!.GetValue<string>());
        Assert.Single(host.Upstream.Requests);
    }

    [Fact]
    public async Task Restore_puts_values_back_in_a_streamed_answer()
    {
        await using var host = await CacheTestHost.StartAsync(Guard(("Default", "redact"), ("Restore", "true")));
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = Json.Body(CacheTestHost.Chat($"Reply to {Email}", stream: true)) };

        using var response = await host.Gateway.Client().SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        var text = new StringBuilder();
        await foreach (var data in Sse.ReadDataAsync(await response.Content.ReadAsStreamAsync()))
        {
            if (data != "[DONE]" && JsonNode.Parse(data)!["choices"]?.AsArray() is [{ } choice, ..] && choice["delta"]?["content"] is { } content)
                text.Append(content.GetValue<string>());
        }

        Assert.Equal($"This is the fake upstream's answer to: Reply to {Email}", text.ToString());
        Assert.Contains("[EMAIL_1]", host.Upstream.Requests.Single().Body);
    }

    [Fact]
    public async Task Without_restore_the_client_sees_the_placeholders()
    {
        await using var host = await CacheTestHost.StartAsync(Guard(("Default", "redact")));

        using var response = await host.AskAsync(CacheTestHost.Chat($"Reply to {Email}"));

        Assert.Equal("This is the fake upstream's answer to: Reply to [EMAIL_1]",
            (await Json.ReadObjectAsync(response))["choices"]![0]!["message"]!["content"]!.GetValue<string>());
    }

    [Fact]
    public async Task No_detected_value_reaches_logs_metrics_the_cache_store_or_the_ledger()
    {
        var storage = GatewayHost.NewStoragePath();
        string[] values = [Email, Card, "4111111111111111", MyNumber, "sk-proj-Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4zAb7dEf0hIj3k_L-m"];
        var prompt = $"Mail {values[0]}, card {values[1]}, my number {values[3]}, key {values[4]}";
        string logs, metrics;
        {
            await using var host = await CacheTestHost.StartAsync(s =>
            {
                Guard(("Default", "redact"), ("Restore", "true"), ("Categories:MyNumber", "log"))(s);
                s["Logging:LogLevel:Default"] = "Trace";
            }, storage: storage);
            using var redacted = await host.AskAsync(CacheTestHost.Chat(prompt));
            using var streamed = await host.AskAsync(CacheTestHost.Chat(prompt + " (stream)", stream: true));
            Assert.Equal(HttpStatusCode.OK, redacted.StatusCode);
            await using var blocking = await CacheTestHost.StartAsync(Guard(("Default", "block")));
            using var blocked = await blocking.AskAsync(CacheTestHost.Chat(prompt));
            Assert.Equal(HttpStatusCode.BadRequest, blocked.StatusCode);
            metrics = await MetricsScrape.TextAsync(host.Gateway) + await MetricsScrape.TextAsync(blocking.Gateway);
            logs = host.Gateway.Logs.All + blocking.Gateway.Logs.All;
        }

        var stored = string.Concat(Directory.EnumerateFiles(storage, "*", SearchOption.AllDirectories).Select(f => Encoding.UTF8.GetString(File.ReadAllBytes(f))));
        Assert.Contains("[EMAIL_1]", stored); // the store was read: the cached answer echoes the redacted question
        Assert.Contains("Guard redacted", logs);
        Assert.Contains("Guard blocked", logs);
        Assert.Contains("llm_gateway_guard_detections", metrics);
        foreach (var value in values.Where(v => v != MyNumber))
        {
            Assert.DoesNotContain(value, logs);
            Assert.DoesNotContain(value, metrics);
            Assert.DoesNotContain(value, stored);
        }
        // A category on "log" leaves the request unchanged, so the provider (and the cache) see it; logs and metrics still do not.
        Assert.DoesNotContain(MyNumber, logs);
        Assert.DoesNotContain(MyNumber, metrics);
    }
}
