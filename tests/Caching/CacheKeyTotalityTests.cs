using System.Text.Json.Nodes;
using LlmGateway.Budgets.Usage;
using LlmGateway.Caching;
using LlmGateway.Gateway;
using LlmGateway.Routing;

namespace LlmGateway.Tests.Caching;

/// <summary>The cache key and the usage estimate are total: whatever a body holds, they answer and never throw.</summary>
public sealed class CacheKeyTotalityTests
{
    public static TheoryData<string> Values => ["\ud800", "a\udfffb", "fine"];

    [Theory]
    [MemberData(nameof(Values))]
    public void Strings_with_lone_surrogates_give_a_key_or_none_but_never_an_exception(string text)
    {
        var body = new JsonObject
        {
            ["model"] = "m",
            ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = text }),
            [text] = "value",
        };
        var request = Request(body);

        var thrown = Record.Exception(() => CacheKeyBuilder.Build(request, "team:t", "embedder", queryHeader: text));

        Assert.Null(thrown);
        Assert.True(TokenEstimator.Prompt(body) >= 1);
    }

    [Theory]
    [InlineData(double.PositiveInfinity)]
    [InlineData(double.NaN)]
    [InlineData(0.7)]
    public void Numbers_that_json_cannot_write_give_no_key_rather_than_an_exception(double temperature)
    {
        var body = new JsonObject
        {
            ["model"] = "m",
            ["temperature"] = temperature,
            ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = "hi" }),
        };

        var key = CacheKeyBuilder.Build(Request(body), "team:t", "embedder", queryHeader: null);

        Assert.Equal(double.IsFinite(temperature), key is not null);
        Assert.Equal(2, TokenEstimator.Prompt(body)); // "user" + "hi": 6 characters
    }

    private static GatewayRequest Request(JsonObject body)
    {
        var provider = new Provider
        {
            Name = "p", IsAzure = false, ApiKey = null, Timeout = TimeSpan.FromSeconds(1), Headers = [], ApiVersion = "",
            BaseUrls = ["http://127.0.0.1:1"], LoadBalancingPolicy = "RoundRobin", PassiveHealth = new PassiveHealthSettings(0.3, TimeSpan.FromMinutes(1), 10, TimeSpan.FromSeconds(30)),
        };
        var route = new ModelRoute("m", [new UpstreamTarget("m", provider, "m")]);
        return new GatewayRequest(OpenAiEndpoint.ChatCompletions, body, ReadOnlyMemory<byte>.Empty, "m", route, stream: false);
    }
}
