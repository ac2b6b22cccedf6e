using System.Net;
using System.Text.Json.Nodes;
using LlmGateway.Caching.Verified;
using LlmGateway.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;
using static LlmGateway.Tests.Caching.Verified.JudgeStubs;

namespace LlmGateway.Tests.Caching.Verified;

/// <summary>The judge model's call and the reading of its reply (Gateway:Cache:Judge), on a stub HTTP handler.</summary>
public sealed class AnswerJudgeTests
{
    [Theory]
    [InlineData("SAME", true)]
    [InlineData(" same.\n", true)]
    [InlineData("DIFFERENT", false)]
    [InlineData("Different", false)]
    [InlineData("SAME, mostly", null)]
    [InlineData("I think they are the same", null)]
    [InlineData("", null)]
    public async Task The_reply_SAME_is_true_DIFFERENT_false_and_anything_else_no_verdict(string reply, bool? expected)
    {
        var meters = Meters();
        using var counter = new JudgeCallCounter(meters);
        var judge = Judge(Replying(reply), meters);

        Assert.Equal(expected, await judge.SameAsync("q", "a", "b", default));
        Assert.Equal(1, counter[expected switch { true => "same", false => "different", null => "unverified" }]);
    }

    [Theory]
    [InlineData(HttpStatusCode.InternalServerError)]
    [InlineData(HttpStatusCode.TooManyRequests)]
    [InlineData(HttpStatusCode.Unauthorized)]
    public async Task An_error_status_is_no_verdict_even_if_its_body_says_SAME(HttpStatusCode status)
    {
        var meters = Meters();
        using var counter = new JudgeCallCounter(meters);

        Assert.Null(await Judge(Replying("SAME", status), meters).SameAsync("q", "a", "b", default));
        Assert.Equal((0, 1), (counter["same"], counter["unverified"]));
    }

    [Fact]
    public async Task A_judge_slower_than_its_timeout_is_no_verdict()
    {
        var time = new FakeTimeProvider();
        var handler = new Handler(async (_, cancellationToken) =>
        {
            // Never answers: only the judge's timeout (on the fake clock) or the caller ends the wait.
            await Task.Delay(Timeout.Infinite, cancellationToken);
            return new HttpResponseMessage(HttpStatusCode.OK);
        });
        var judge = Judge(handler, Meters(), time, new JudgeOptions { Model = "judge-model", KeyVariable = "JUDGE_KEY", BaseUrl = "http://judge.test", Timeout = TimeSpan.FromSeconds(10) });

        var verdict = judge.SameAsync("q", "a", "b", default);
        await Eventually.ReadAsync(() => handler.Requests.Count, n => n == 1);
        time.Advance(TimeSpan.FromSeconds(9));
        Assert.False(verdict.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(1));

        Assert.Null(await verdict.WaitAsync(TimeSpan.FromSeconds(30))); // a generous deadline, so a broken timeout fails instead of hanging
    }

    [Fact]
    public async Task A_failed_or_cancelled_call_is_no_verdict()
    {
        Assert.Null(await Judge(new Handler((_, _) => throw new HttpRequestException("refused")), Meters()).SameAsync("q", "a", "b", default));
        Assert.Null(await Judge(new Handler((_, _) => throw new TaskCanceledException("client timeout")), Meters()).SameAsync("q", "a", "b", default));
    }

    [Fact]
    public async Task The_request_asks_the_judge_model_at_temperature_zero_with_the_team_key_and_bypasses_the_cache()
    {
        var handler = Replying("SAME");
        var longAnswer = new string('x', AnswerJudge.MaxChars * 3);

        await Judge(handler, Meters()).SameAsync("How do I reset my password?", "Open settings and choose reset.", longAnswer, default);

        var (request, body) = Assert.Single(handler.Requests);
        Assert.Equal((HttpMethod.Post, "http://judge.test/v1/chat/completions"), (request.Method, request.RequestUri!.ToString()));
        Assert.Equal(("Bearer", Key), (request.Headers.Authorization!.Scheme, request.Headers.Authorization.Parameter));
        Assert.True(request.Headers.CacheControl!.NoStore); // neither looked up nor stored by the gateway's cache
        var json = JsonNode.Parse(body)!;
        Assert.Equal("judge-model", json["model"]!.GetValue<string>());
        Assert.Equal(0, json["temperature"]!.GetValue<double>());
        Assert.Equal(5, json["max_tokens"]!.GetValue<int>()); // room for one word
        Assert.Contains("SAME or DIFFERENT", json["messages"]![0]!["content"]!.GetValue<string>());
        var user = json["messages"]![1]!["content"]!.GetValue<string>();
        Assert.Contains("How do I reset my password?", user);
        Assert.Contains("Open settings and choose reset.", user);
        // The long answer is cut to MaxChars and marked so.
        Assert.Contains(new string('x', AnswerJudge.MaxChars) + " […]", user);
        Assert.DoesNotContain(new string('x', AnswerJudge.MaxChars + 1), user);
    }

    [Theory]
    [InlineData("http://127.0.0.1:5123", "http://127.0.0.1:5123")]
    [InlineData("http://+:8080", "http://127.0.0.1:8080")]
    [InlineData("http://[::]:8080/", "http://[::1]:8080")]
    [InlineData("https://localhost:5001|http://0.0.0.0:5000", "http://127.0.0.1:5000")]
    [InlineData("https://localhost:5001", null)]
    public void Without_a_base_url_the_judge_calls_the_gateways_own_first_http_address(string listening, string? expected) =>
        Assert.Equal(expected, JudgeAddress.From(listening.Split('|')));
}
