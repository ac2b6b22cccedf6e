using System.Text;
using System.Text.Json.Nodes;
using LlmGateway.Caching;
using LlmGateway.Caching.Policies;
using LlmGateway.Capture;
using LlmGateway.Gateway;
using LlmGateway.Routing;

namespace LlmGateway.Tests.Caching.Policies;

/// <summary>Each store rule on its own: which captured answers it refuses, with which reason, and which it lets through.</summary>
public sealed class CacheStorePolicyTests
{
    private static readonly Provider Main = new()
    {
        Name = "main", IsAzure = false, ApiKey = null, Timeout = TimeSpan.FromSeconds(1), Headers = [], ApiVersion = "", BaseUrls = [],
        LoadBalancingPolicy = "", PassiveHealth = new PassiveHealthSettings(0.3, TimeSpan.FromSeconds(60), 10, TimeSpan.FromSeconds(30)),
    };

    [Theory]
    [InlineData(null, null)]
    [InlineData(0, null)]
    [InlineData(1, "fallback")]
    [InlineData(2, "fallback")]
    public void An_answer_from_a_fallback_is_not_stored(int? attemptIndex, string? reason)
    {
        var attempt = attemptIndex is { } i ? new UpstreamAttempt(new UpstreamTarget("m", Main, "m"), i, isLast: true) : null;
        Assert.Equal(reason, Apply(new FallbackAnswerPolicy(), Context(attempt: attempt)));
    }

    [Theory]
    [InlineData(200, null)]
    [InlineData(201, "status")]
    [InlineData(429, "status")]
    [InlineData(500, "status")]
    public void Only_a_200_is_stored(int status, string? reason) =>
        Assert.Equal(reason, Apply(new SuccessStatusPolicy(), Context(Captured("{}", status: status))));

    [Theory]
    [InlineData(true, null)]
    [InlineData(false, "incomplete")]
    public void Only_an_answer_forwarded_whole_is_stored(bool completed, string? reason) =>
        Assert.Equal(reason, Apply(new CompletedAnswerPolicy(), Context(Captured("{}", completed: completed))));

    [Theory]
    [InlineData(10, 1024, 1 << 20, null)]
    [InlineData(1024, 1024, 1 << 20, null)]
    [InlineData(1025, 1024, 1 << 20, "too_large")]
    [InlineData(100, 1 << 20, 64, "too_large")] // truncated by the capture limit
    public void An_answer_larger_than_the_entry_limit_is_not_stored(int bodyBytes, int maxEntryBytes, int captureLimit, string? reason) =>
        Assert.Equal(reason, Apply(new EntrySizePolicy(), Context(Captured(new string('x', bodyBytes), captureLimit: captureLimit), new CacheOptions { MaxEntryBytes = maxEntryBytes })));

    [Theory]
    [InlineData(1, false, null)]
    [InlineData(2, false, "multiple_choices")]
    [InlineData(2, true, null)]
    public void Several_choices_are_stored_only_when_configured(int choices, bool storeMultiple, string? reason) =>
        Assert.Equal(reason, Apply(new SingleChoicePolicy(), Context(options: new CacheOptions { StoreMultipleChoices = storeMultiple }, answer: Answer(choices, "stop"))));

    [Theory]
    [InlineData("stop", null)]
    [InlineData("length", null)]
    [InlineData("content_filter", "content_filter")]
    public void A_filtered_answer_is_never_stored(string finishReason, string? reason) =>
        Assert.Equal(reason, Apply(new ContentFilterPolicy(), Context(answer: Answer(1, finishReason))));

    [Theory]
    [InlineData("Responses", "completed", null)]
    [InlineData("Responses", "incomplete", "incomplete")]
    [InlineData("Responses", null, "incomplete")]
    [InlineData("ChatCompletions", null, null)]
    public void A_responses_answer_is_stored_only_when_completed(string endpoint, string? status, string? reason)
    {
        var answer = new JsonObject { ["id"] = "resp_1" };
        if (status is not null)
            answer["status"] = status;
        Assert.Equal(reason, Apply(new CompletedResponsePolicy(), Context(endpoint: Enum.Parse<OpenAiEndpoint>(endpoint), answer: answer)));
    }

    [Theory]
    [InlineData("{\"choices\":[{\"index\":0,\"finish_reason\":\"content_filter\"}]}", 200, "content_filter")]
    [InlineData("{\"choices\":[{\"index\":0,\"finish_reason\":\"stop\"}]}", 503, "status")]
    [InlineData("not json", 200, "malformed")]
    [InlineData("{\"choices\":[{\"index\":0,\"finish_reason\":\"stop\"}]}", 200, "")]
    public void The_decision_runs_the_capture_rules_then_assembles_then_the_answer_rules(string body, int status, string reason)
    {
        var answer = CacheStorePolicies.Decide(Context(Captured(body, status: status)), out var why);

        Assert.Equal(reason, why);
        Assert.Equal(reason.Length == 0, answer is not null);
    }

    private static string? Apply(ICacheStorePolicy rule, CacheStoreContext context)
    {
        rule.Apply(context);
        Assert.Equal(context.Reason is null, context.AllowStore);
        return context.Reason;
    }

    private static JsonObject Answer(int choices, string finishReason) => new()
    {
        ["choices"] = new JsonArray(Enumerable.Range(0, choices).Select(i => (JsonNode)new JsonObject { ["index"] = i, ["finish_reason"] = finishReason }).ToArray()),
    };

    private static CapturedResponse Captured(string body, int status = 200, bool completed = true, int captureLimit = 1 << 20)
    {
        var capture = new CapturedResponse(captureLimit, 0) { StatusCode = status, ContentType = "application/json", Completed = completed };
        capture.Append(Encoding.UTF8.GetBytes(body));
        return capture;
    }

    private static CacheStoreContext Context(CapturedResponse? capture = null, CacheOptions? options = null, UpstreamAttempt? attempt = null,
        OpenAiEndpoint endpoint = OpenAiEndpoint.ChatCompletions, JsonObject? answer = null) =>
        new(endpoint, attempt, capture ?? Captured("{}"), options ?? new CacheOptions()) { Answer = answer };
}
