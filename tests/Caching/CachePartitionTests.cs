using LlmGateway.Tests.Infrastructure;

namespace LlmGateway.Tests.Caching;

/// <summary>A hit never crosses what must match: scope (team), model, system prompt, sampling parameters, tools.</summary>
public sealed class CachePartitionTests
{
    private const string Question = "What is the boiling point of water at sea level?";

    [Fact]
    public async Task No_hit_across_teams_unless_they_share_a_named_scope()
    {
        await using var host = await CacheTestHost.StartAsync(s =>
        {
            s["Gateway:Cache:Threshold"] = "0.5";
            s["Gateway:Teams:team-a:Cache:Scope"] = "shared";
            s["Gateway:Teams:team-c:Cache:Scope"] = "shared";
        });
        await host.AskAsync(CacheTestHost.Chat(Question));

        using var otherTeam = await host.AskAsync(CacheTestHost.Chat(Question), GatewayHost.OtherTeamKey);
        using var sharedScope = await host.AskAsync(CacheTestHost.Chat(Question), CacheTestHost.ThirdTeamKey);

        Assert.Equal("MISS", CacheTestHost.XCache(otherTeam));
        Assert.Equal("HIT", CacheTestHost.XCache(sharedScope));
    }

    [Theory]
    [InlineData("system")]
    [InlineData("temperature")]
    [InlineData("model")]
    [InlineData("tools")]
    [InlineData("earlier turn")]
    [InlineData("max_tokens")]
    public async Task No_hit_when_something_that_must_match_differs(string what)
    {
        await using var host = await CacheTestHost.StartAsync(s => s["Gateway:Cache:Threshold"] = "0.1");
        const string tools = "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"weather\",\"parameters\":{}}}]";
        var original = what switch
        {
            "system" => CacheTestHost.Chat(Question, system: "You are terse."),
            "temperature" => CacheTestHost.Chat(Question, temperature: 0.2),
            "tools" => CacheTestHost.Chat(Question, extra: tools),
            "max_tokens" => CacheTestHost.Chat(Question, extra: "\"max_tokens\":100"),
            "earlier turn" => """{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Hi"},{"role":"assistant","content":"Hello!"},{"role":"user","content":"What is the boiling point of water at sea level?"}]}""",
            _ => CacheTestHost.Chat(Question),
        };
        var changed = what switch
        {
            "system" => CacheTestHost.Chat(Question, system: "You are verbose."),
            "temperature" => CacheTestHost.Chat(Question, temperature: 0.9),
            "model" => CacheTestHost.Chat(Question, model: "other-model"),
            "tools" => CacheTestHost.Chat(Question, extra: tools.Replace("weather", "calendar")),
            "max_tokens" => CacheTestHost.Chat(Question, extra: "\"max_tokens\":10"),
            "earlier turn" => """{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Bonjour"},{"role":"assistant","content":"Salut!"},{"role":"user","content":"What is the boiling point of water at sea level?"}]}""",
            _ => throw new ArgumentOutOfRangeException(nameof(what)),
        };
        await host.AskAsync(original);

        using var sameAgain = await host.AskAsync(original);
        using var different = await host.AskAsync(changed);

        Assert.Equal("HIT", CacheTestHost.XCache(sameAgain));
        Assert.Equal("MISS", CacheTestHost.XCache(different));
    }

    [Fact]
    public async Task Key_order_and_spacing_do_not_matter_for_the_exact_tier()
    {
        await using var host = await CacheTestHost.StartAsync();
        await host.AskAsync("""{"model":"gpt-4o-mini","temperature":0.70,"messages":[{"role":"user","content":"Same?"}]}""");

        using var reordered = await host.AskAsync("""{ "messages": [ {"content":"Same?", "role":"user"} ], "temperature": 0.7, "model": "gpt-4o-mini" }""");

        Assert.Equal("HIT", CacheTestHost.XCache(reordered));
        Assert.Equal("exact", reordered.Headers.GetValues("x-cache-tier").Single());
    }
}
