using System.Net;
using LlmGateway.Gateway;
using LlmGateway.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace LlmGateway.Tests.Routing;

/// <summary>
/// Above <c>MaxConcurrentForwards</c> + <c>MaxQueuedForwards</c> the gateway sheds forwards with 503 + Retry-After,
/// while cache hits and health endpoints keep being answered; nothing here depends on timing: the upstream holds its
/// answers until the test lets them go.
/// </summary>
public sealed class ForwardLimitTests : IAsyncLifetime
{
    private const string Completion =
        """{"id":"chatcmpl-1","object":"chat.completion","created":1700000000,"model":"fake-model","choices":[{"index":0,"message":{"role":"assistant","content":"Open Settings."},"finish_reason":"stop"}],"usage":{"prompt_tokens":5,"completion_tokens":3,"total_tokens":8}}""";

    private WebApplication _upstream = null!;
    private TaskCompletionSource _release = CompletedGate();
    private int _arrived;

    public async Task InitializeAsync()
    {
        // No config file watchers: each is one of the user's inotify instances (see GatewayHost).
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = ["--hostBuilder:reloadConfigOnChange=false"] });
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        _upstream = builder.Build();
        _upstream.MapPost("/v1/chat/completions", async (HttpContext context) =>
        {
            Interlocked.Increment(ref _arrived);
            await Volatile.Read(ref _release).Task;
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(Completion);
        });
        await _upstream.StartAsync();
    }

    public async Task DisposeAsync()
    {
        Volatile.Read(ref _release).TrySetResult();
        await _upstream.DisposeAsync();
    }

    [Fact]
    public async Task Above_capacity_forwards_get_503_with_retry_after_while_hits_and_health_are_served()
    {
        var settings = GatewayHost.BasicSettings(_upstream.Urls.First() + "/v1");
        settings["Gateway:Limits:MaxConcurrentForwards"] = "1";
        settings["Gateway:Limits:MaxQueuedForwards"] = "1";
        await using var gateway = await GatewayHost.StartAsync(settings);
        using var client = gateway.Client();

        // An answer in the cache, stored once its miss completes.
        await WaitUntilHitAsync(client, "cached question");

        // One forward holds the only slot at the upstream; of the next two, one waits in the queue and one is shed.
        Volatile.Write(ref _release, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        var arrivedBefore = Volatile.Read(ref _arrived);
        var holding = client.PostAsync("/v1/chat/completions", Json.Chat("mini", "first busy question"));
        await WaitUntilAsync(() => Volatile.Read(ref _arrived) > arrivedBefore);
        var second = client.PostAsync("/v1/chat/completions", Json.Chat("mini", "second busy question"));
        var third = client.PostAsync("/v1/chat/completions", Json.Chat("mini", "third busy question"));

        using var shed = await await Task.WhenAny(second, third);
        await Json.AssertOpenAiErrorAsync(shed, 503, "server_overloaded");
        Assert.Equal(TimeSpan.FromSeconds(1), shed.Headers.RetryAfter?.Delta);
        Assert.False(holding.IsCompleted);

        using (var hit = await client.PostAsync("/v1/chat/completions", Json.Chat("mini", "cached question")))
        {
            Assert.Equal(HttpStatusCode.OK, hit.StatusCode);
            Assert.Equal("HIT", hit.Headers.GetValues("x-cache").Single());
        }
        using (var health = await client.GetAsync("/healthz"))
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        using (var ready = await client.GetAsync("/readyz"))
            Assert.Equal(HttpStatusCode.OK, ready.StatusCode);

        // Once the upstream answers, the holder and the queued one are served.
        Volatile.Read(ref _release).SetResult();
        using var first = await holding;
        using var queued = await (shed == await second ? third : second);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, queued.StatusCode);
    }

    [Theory]
    [InlineData("MaxConcurrentForwards", "0")]
    [InlineData("MaxQueuedForwards", "-1")]
    public async Task Limits_out_of_range_fail_startup_naming_the_key(string key, string value)
    {
        var settings = GatewayHost.BasicSettings("http://localhost:1/v1");
        settings["Gateway:Limits:" + key] = value;

        var ex = await Assert.ThrowsAsync<GatewayConfigException>(() => GatewayHost.StartAsync(settings));

        Assert.Contains(ex.Errors, e => e.StartsWith("Gateway:Limits:" + key + ":", StringComparison.Ordinal));
    }

    private static TaskCompletionSource CompletedGate()
    {
        var gate = new TaskCompletionSource();
        gate.SetResult();
        return gate;
    }

    private static async Task WaitUntilHitAsync(HttpClient client, string question)
    {
        var hit = await Eventually.ReadAsync(async () =>
        {
            using var response = await client.PostAsync("/v1/chat/completions", Json.Chat("mini", question));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return response.Headers.TryGetValues("x-cache", out var values) && values.Single() == "HIT";
        }, hit => hit);
        Assert.True(hit, $"'{question}' was never answered from the cache");
    }

    private static async Task WaitUntilAsync(Func<bool> condition) =>
        Assert.True(await Eventually.ReadAsync(condition, done => done), "the upstream never received the first forward");
}
