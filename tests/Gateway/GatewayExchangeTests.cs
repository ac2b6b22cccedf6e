using LlmGateway.Auth;
using LlmGateway.Caching;
using LlmGateway.Gateway;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace LlmGateway.Tests.Gateway;

/// <summary>The exchange's own rules: one writer per field, write-once fields refuse a second write, headers asked for on start outlive a Response.Clear().</summary>
public sealed class GatewayExchangeTests
{
    [Fact]
    public void Parsing_sets_the_read_only_view_and_each_steps_writer_as_features_of_one_object()
    {
        var context = new DefaultHttpContext();
        var exchange = Start(context);

        Assert.Same(exchange, context.Exchange());
        Assert.Same(exchange, context.Features.Get<IGuardExchange>());
        Assert.Same(exchange, context.Features.Get<IBudgetsExchange>());
        Assert.Same(exchange, context.Features.Get<ICachingExchange>());
        Assert.Same(exchange, context.Features.Get<ICaptureExchange>());
        Assert.Same(exchange, context.Features.Get<IFailoverExchange>());
        Assert.Null(exchange.Cache);
        Assert.Null(exchange.Capture);
        Assert.Same(ForwardPlan.None, exchange.Forward);
    }

    [Fact]
    public void Write_once_fields_refuse_a_second_write()
    {
        var exchange = Start(new DefaultHttpContext());
        ((ICachingExchange)exchange).SetCacheOutcome(CacheOutcome.Miss);
        ((IBudgetsExchange)exchange).PlanForward(ForwardPlan.None);
        ((ICaptureExchange)exchange).StartCapture(1024, 0);

        Assert.Throws<InvalidOperationException>(() => ((ICachingExchange)exchange).SetCacheOutcome(CacheOutcome.Bypass));
        Assert.Throws<InvalidOperationException>(() => ((IBudgetsExchange)exchange).PlanForward(ForwardPlan.None));
        Assert.Throws<InvalidOperationException>(() => ((ICaptureExchange)exchange).StartCapture(1024, 0));
        Assert.Equal(CacheResult.Miss, exchange.Cache!.Result);
    }

    [Fact]
    public void The_capture_takes_what_budgets_planned()
    {
        var exchange = Start(new DefaultHttpContext());
        Func<ReadOnlyMemory<byte>, bool> holdBack = _ => true;
        ((IBudgetsExchange)exchange).PlanForward(new ForwardPlan(true, holdBack, null));

        var capture = ((ICaptureExchange)exchange).StartCapture(1024, 42);

        Assert.Same(holdBack, capture.HoldBackEvent);
        Assert.Equal(42, exchange.Capture!.StartedTimestamp);
    }

    [Fact]
    public async Task Headers_asked_for_on_start_are_set_when_the_response_starts_even_after_a_clear()
    {
        var response = new StartableResponse();
        var context = new DefaultHttpContext();
        context.Features.Set<IHttpResponseFeature>(response);
        var exchange = Start(context);
        ((ICachingExchange)exchange).HeadersOnStart["x-cache"] = "MISS";
        ((IGuardExchange)exchange).DropContentLengthOnStart();
        context.Response.ContentLength = 10;
        context.Response.Clear(); // the failover step before a fallback
        context.Response.ContentLength = 12;

        await response.StartAsync();

        Assert.Equal("MISS", context.Response.Headers["x-cache"]);
        Assert.Null(context.Response.ContentLength);
    }

    private static GatewayExchange Start(HttpContext context) =>
        GatewayExchange.Start(context, new TeamIdentity("team-a", "k", new TeamOptions()),
            new GatewayRequest(OpenAiEndpoint.Other, null, default, null, null, stream: false));

    /// <summary>A response feature that runs its OnStarting callbacks when told to, as a server does before the first byte.</summary>
    private sealed class StartableResponse : HttpResponseFeature
    {
        private readonly List<(Func<object, Task> Callback, object State)> _starting = [];

        public override void OnStarting(Func<object, Task> callback, object state) => _starting.Add((callback, state));

        public async Task StartAsync()
        {
            for (var i = _starting.Count - 1; i >= 0; i--)
                await _starting[i].Callback(_starting[i].State);
        }
    }
}
