using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using LlmGateway.Tests.Budgets;
using LlmGateway.Tests.Infrastructure;

namespace LlmGateway.Tests.Caching;

/// <summary>
/// The README's first command as a user runs it: the gateway process on the shipped <c>config/gateway.json</c> (the built-in
/// MiniLM from its NuGet package, FASTER, the built-in demo provider, <c>Cache:Semantic</c> on), with only its ports and
/// storage folder moved so that it runs beside other tests. A reworded question is answered from the cache, with no
/// download and no other configuration.
/// </summary>
public sealed class DemoConfigSemanticHitTests
{
    [Fact]
    public async Task The_first_command_answers_a_reworded_question_from_the_cache()
    {
        var folder = TestTemp.NewPath("demo-config");
        Directory.CreateDirectory(folder);
        var config = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(Metrics.ExternalTool.RepositoryRoot(), "config", "gateway.json")))!;
        var gatewaySection = config["Gateway"]!;
        var demoUrl = $"http://127.0.0.1:{TcpPorts.Unused()}";
        gatewaySection["DemoUpstream"]!["Url"] = demoUrl;
        gatewaySection["Providers"]!["demo"]!["BaseUrl"] = demoUrl + "/v1";
        gatewaySection["Storage"] = new JsonObject { ["Path"] = Path.Combine(folder, "data") };
        var configPath = Path.Combine(folder, "gateway.json");
        await File.WriteAllTextAsync(configPath, config.ToJsonString());

        await using var gateway = await GatewayProcess.StartAsync(configPath, folder);
        using var http = new HttpClient { BaseAddress = new Uri(gateway.Url), Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "sk-gw-demo-key"); // the README's demo key

        using var first = await AskAsync(http, "How do I reset my password?");
        Assert.Equal("MISS", Header(first, "x-cache"));
        // The answer is embedded and indexed after it is stored: wait until nothing is left in the index queue.
        await Eventually.ReadAsync(async () => IndexQueue(await http.GetStringAsync("/metrics")), pending => pending == 0);

        using var reworded = await AskAsync(http, "How can I reset my password?");
        Assert.Equal("HIT", Header(reworded, "x-cache"));
        Assert.Equal("semantic", Header(reworded, "x-cache-tier"));
    }

    private static async Task<HttpResponseMessage> AskAsync(HttpClient http, string question)
    {
        var body = new JsonObject
        {
            ["model"] = "demo-chat",
            ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = question }),
        };
        var response = await http.PostAsync("/v1/chat/completions", new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"));
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return response;
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.Single() : null;

    // The gauge's sample in the Prometheus text; -1 until it is exported.
    private static double IndexQueue(string metrics) =>
        metrics.Split('\n').FirstOrDefault(l => l.StartsWith("llm_gateway_cache_index_queue", StringComparison.Ordinal)) is { } line
            ? double.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture)
            : -1;
}
