using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using LlmGateway.Auth;
using LlmGateway.Gateway;
using LlmGateway.Routing;
using Microsoft.AspNetCore.Http;

namespace LlmGateway.Tests.Gateway;

/// <summary>
/// The bytes an attempt sends: the client's own when nothing changes; else the body with the upstream model name and,
/// when budgets planned it, stream usage — written as the edited JsonObject would serialise, and never by editing it.
/// </summary>
public sealed class ForwardBodyTests
{
    private static readonly Provider Main = new()
    {
        Name = "main", IsAzure = false, ApiKey = null, Timeout = TimeSpan.FromSeconds(1), Headers = [], ApiVersion = "", BaseUrls = [],
        LoadBalancingPolicy = "", PassiveHealth = new PassiveHealthSettings(0.3, TimeSpan.FromSeconds(60), 10, TimeSpan.FromSeconds(30)),
    };

    [Theory]
    [InlineData("""{"model":"mini","stream":true,"messages":[{"role":"user","content":"hi"}]}""", "mini", false)]
    [InlineData("""{"model":"mini","stream":true,"messages":[{"role":"user","content":"hi"}]}""", "fake-model", false)]
    [InlineData("""{"model":"mini","stream":true,"messages":[{"role":"user","content":"日本語 <b> & \"q\""}]}""", "fake-model", true)]
    [InlineData("""{"model":"mini","stream":true,"messages":[],"stream_options":{"include_usage":false,"x":1}}""", "mini", true)]
    [InlineData("""{"model":"mini","stream":true,"stream_options":{"x":[1,2]},"messages":[]}""", "fake-model", true)]
    [InlineData("""{"model":"mini","stream":true,"stream_options":null,"messages":[]}""", "mini", true)]
    [InlineData("""{"stream":true,"messages":[],"model":"mini","temperature":0.5}""", "fake-model", true)]
    public void Writes_what_editing_the_body_in_place_used_to_write(string json, string upstreamModel, bool askForUsage)
    {
        var raw = Encoding.UTF8.GetBytes(json);
        var body = JsonNode.Parse(raw)!.AsObject();
        var exchange = Exchange(body, raw, askForUsage);
        var target = new UpstreamTarget("gpt-4o-mini", Main, upstreamModel);

        var sent = ForwardBody.For(exchange, target);

        // What the gateway sent before the forward-time transform: the shared body edited in place, then serialised.
        var edited = body.DeepClone().AsObject();
        var changed = upstreamModel != "mini" || askForUsage;
        if (askForUsage)
        {
            if (edited["stream_options"] is JsonObject options) options["include_usage"] = true;
            else edited["stream_options"] = new JsonObject { ["include_usage"] = true };
        }
        edited["model"] = upstreamModel;
        var expected = changed ? JsonSerializer.SerializeToUtf8Bytes(edited) : raw;
        Assert.Equal(Encoding.UTF8.GetString(expected), Encoding.UTF8.GetString(sent.Span));
        // The parsed body the cache key and the estimates read is the client's.
        Assert.Equal(JsonNode.Parse(raw)!.ToJsonString(), body.ToJsonString());
    }

    [Fact]
    public void Sends_the_clients_own_buffer_when_nothing_changes()
    {
        var raw = Encoding.UTF8.GetBytes("""{"model":"mini",  "messages":[]}""");
        var exchange = Exchange(JsonNode.Parse(raw)!.AsObject(), raw, askForUsage: false);

        var sent = ForwardBody.For(exchange, new UpstreamTarget("gpt-4o-mini", Main, "mini"));

        Assert.True(System.Runtime.InteropServices.MemoryMarshal.TryGetArray(sent, out var segment));
        Assert.Same(raw, segment.Array);
    }

    [Fact]
    public void A_redacted_body_is_written_out_even_for_the_same_model()
    {
        var raw = Encoding.UTF8.GetBytes("""{"model":"mini","messages":[{"role":"user","content":"my key is sk-123"}]}""");
        var body = JsonNode.Parse(raw)!.AsObject();
        var exchange = Exchange(body, raw, askForUsage: false);
        body["messages"]![0]!["content"] = "my key is [KEY_1]"; // the guard's in-place edit
        ((IGuardExchange)exchange).MarkBodyRedacted();

        var sent = ForwardBody.For(exchange, new UpstreamTarget("gpt-4o-mini", Main, "mini"));

        Assert.Contains("[KEY_1]", Encoding.UTF8.GetString(sent.Span));
        Assert.DoesNotContain("sk-123", Encoding.UTF8.GetString(sent.Span));
    }

    private static GatewayExchange Exchange(JsonObject body, byte[] raw, bool askForUsage)
    {
        var route = new ModelRoute("gpt-4o-mini", [new UpstreamTarget("gpt-4o-mini", Main, "fake-model")]);
        var exchange = GatewayExchange.Start(new DefaultHttpContext(), new TeamIdentity("team-a", "k", new TeamOptions()),
            new GatewayRequest(OpenAiEndpoint.ChatCompletions, body, raw, "mini", route, stream: true));
        ((IBudgetsExchange)exchange).PlanForward(new ForwardPlan(askForUsage, null, null));
        return exchange;
    }
}
