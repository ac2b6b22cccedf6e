using LlmGateway.Caching;
using LlmGateway.Caching.Verified;
using LlmGateway.Embeddings.Hashing;
using LlmGateway.Gateway;
using LlmGateway.Tests.Infrastructure;
using static LlmGateway.Tests.Caching.Verified.JudgeStubs;

namespace LlmGateway.Tests.Caching.Verified;

/// <summary>Where the judge sits among the answer-comparison layers, and its options.</summary>
public sealed class JudgeLayerTests
{
    private static byte[] Chat(string content) => System.Text.Encoding.UTF8.GetBytes(new System.Text.Json.Nodes.JsonObject
    {
        ["choices"] = new System.Text.Json.Nodes.JsonArray(new System.Text.Json.Nodes.JsonObject { ["message"] = new System.Text.Json.Nodes.JsonObject { ["content"] = content } }),
    }.ToJsonString());

    private static readonly string LongA = "To reset your password open the settings page, choose security, press reset password and follow the link that arrives by email within a few minutes.";
    private static readonly string LongB = "Go to settings, then security, and press reset password; a link arrives by email within minutes, and following it lets you choose a new password.";

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    [InlineData(null)]
    public async Task Two_long_different_answers_get_the_judges_verdict_with_the_question(bool? verdict)
    {
        var judge = new RecordingJudge(verdict);
        var equivalence = new AnswerEquivalence(new HashingEmbedder(512), null, judge);

        Assert.Equal(verdict, await equivalence.SameAsync(Chat(LongA), Chat(LongB), default, "How do I reset my password?"));
        Assert.Equal(("How do I reset my password?", LongA, LongB), Assert.Single(judge.Calls));
    }

    [Fact]
    public async Task The_judge_is_not_asked_for_equal_or_short_answers()
    {
        var judge = new RecordingJudge(true);
        var equivalence = new AnswerEquivalence(new HashingEmbedder(512), null, judge);

        Assert.True(await equivalence.SameAsync(Chat(LongA), Chat(LongA.ToUpperInvariant() + "!"), default, "q"));
        Assert.False(await equivalence.SameAsync(Chat("42"), Chat("24"), default, "q"));
        Assert.False(await equivalence.SameAsync(Chat(LongA), Chat("Press reset in settings."), default, "q")); // one side short
        Assert.Empty(judge.Calls);
    }

    [Fact]
    public async Task A_cosine_at_the_bar_decides_without_the_judge_and_below_it_the_judge_decides()
    {
        var judge = new RecordingJudge(false);
        var cosine = CacheTestHost.Similarity(LongA, LongB);

        Assert.True(await new AnswerEquivalence(new HashingEmbedder(512), cosine - 0.01, judge).SameAsync(Chat(LongA), Chat(LongB), default, "q"));
        Assert.Empty(judge.Calls);
        Assert.False(await new AnswerEquivalence(new HashingEmbedder(512), Math.Min(1, cosine + 0.01), judge).SameAsync(Chat(LongA), Chat(LongB), default, "q"));
        Assert.Single(judge.Calls);
    }

    [Fact]
    public async Task Without_a_judge_long_different_answers_stay_different()
    {
        Assert.False(await new AnswerEquivalence(new HashingEmbedder(512), null).SameAsync(Chat(LongA), Chat(LongB), default, "q"));
    }

    [Theory]
    [InlineData("judge-model", null, "JUDGE_KEY", "00:00:10", 2, "Gateway:Cache:Judge:KeyVariable:")]
    [InlineData("judge-model", "UNSET_VARIABLE", "JUDGE_KEY", "00:00:10", 2, "Gateway:Cache:Judge:KeyVariable:")]
    [InlineData("judge-model", "JUDGE_KEY", "JUDGE_KEY", "00:00:00", 2, "Gateway:Cache:Judge:Timeout:")]
    [InlineData("judge-model", "JUDGE_KEY", "JUDGE_KEY", "-00:00:01", 2, "Gateway:Cache:Judge:Timeout:")]
    [InlineData("judge-model", "JUDGE_KEY", "JUDGE_KEY", "00:00:10", 0, "Gateway:Cache:Judge:MaxConcurrent:")]
    [InlineData("judge-model", "JUDGE_KEY", "JUDGE_KEY", "00:00:10", 2, null)]
    [InlineData(null, null, "JUDGE_KEY", "00:00:10", 2, null)]
    public void Options_need_a_key_variable_that_is_set_with_a_model_and_a_positive_timeout(string? model, string? keyVariable, string setVariable, string timeout,
        int maxConcurrent, string? error)
    {
        var options = new CacheOptions { Judge = new JudgeOptions { Model = model, KeyVariable = keyVariable, Timeout = TimeSpan.Parse(timeout, System.Globalization.CultureInfo.InvariantCulture), MaxConcurrent = maxConcurrent } };

        var errors = options.Validate(v => v == setVariable ? Key : null).Where(e => e.StartsWith("Gateway:Cache:Judge:", StringComparison.Ordinal)).ToList();

        if (error is null)
            Assert.Empty(errors);
        else
            Assert.StartsWith(error, Assert.Single(errors), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Startup_fails_naming_the_key_when_the_judge_has_no_key_or_an_unknown_model()
    {
        var settings = GatewayHost.BasicSettings("http://localhost:1/v1");
        settings["Gateway:Cache:Judge:Model"] = "gpt-4o-mini";
        var noKey = await Assert.ThrowsAsync<GatewayConfigException>(() => GatewayHost.StartAsync(settings));
        settings["Gateway:Cache:Judge:Model"] = "no-such-model";
        settings["Gateway:Cache:Judge:KeyVariable"] = "TEST_JUDGE_KEY";
        settings["TEST_JUDGE_KEY"] = "";
        settings["Gateway:Cache:Judge:Timeout"] = "00:00:00";
        var bad = await Assert.ThrowsAsync<GatewayConfigException>(() => GatewayHost.StartAsync(settings));

        Assert.Contains(noKey.Errors, e => e.StartsWith("Gateway:Cache:Judge:KeyVariable: required", StringComparison.Ordinal));
        Assert.Contains(bad.Errors, e => e.StartsWith("Gateway:Cache:Judge:KeyVariable: environment variable 'TEST_JUDGE_KEY' is not set", StringComparison.Ordinal));
        Assert.Contains(bad.Errors, e => e.StartsWith("Gateway:Cache:Judge:Model: 'no-such-model'", StringComparison.Ordinal));
        Assert.Contains(bad.Errors, e => e.StartsWith("Gateway:Cache:Judge:Timeout:", StringComparison.Ordinal));
    }
}
