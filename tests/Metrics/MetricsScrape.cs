using LlmGateway.Tests.Infrastructure;

namespace LlmGateway.Tests.Metrics;

public static class MetricsScrape
{
    public static async Task<string> TextAsync(GatewayHost gateway, string path = "/metrics")
    {
        using var client = gateway.Client(key: null);
        using var response = await client.GetAsync(path);
        response.EnsureSuccessStatusCode();
        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", response.Content.Headers.ContentType!.ToString());
        return await response.Content.ReadAsStringAsync();
    }

    public static async Task<PrometheusText> ParsedAsync(GatewayHost gateway) => PrometheusText.Parse(await TextAsync(gateway));

    /// <summary>
    /// Scrapes until <paramref name="ready"/> holds (or a generous deadline passes): a request is counted as the gateway's
    /// pipeline returns, which may be just after the client has its answer.
    /// </summary>
    public static Task<PrometheusText> WhenAsync(GatewayHost gateway, Func<PrometheusText, bool> ready) =>
        Eventually.ReadAsync(() => ParsedAsync(gateway), ready);
}
