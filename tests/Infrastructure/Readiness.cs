using System.Net;

namespace LlmGateway.Tests.Infrastructure;

/// <summary>Polls <c>/readyz</c> (through <see cref="Eventually"/>) until it answers the expected status; fails with the last answer otherwise.</summary>
public static class Readiness
{
    /// <param name="beforeEachRead">Runs before each read (a test on fake time advances its clock there).</param>
    /// <param name="context">Appended to the failure message (a process's console output).</param>
    public static async Task<string> WaitForAsync(string gatewayUrl, HttpStatusCode expected, Action? beforeEachRead = null, Func<string>? context = null)
    {
        using var client = new HttpClient { BaseAddress = new Uri(gatewayUrl), Timeout = TimeSpan.FromSeconds(30) };
        var (status, body) = await Eventually.ReadAsync(async () =>
        {
            beforeEachRead?.Invoke();
            using var response = await client.GetAsync("/readyz");
            return (response.StatusCode, await response.Content.ReadAsStringAsync());
        }, answer => answer.StatusCode == expected);
        Assert.True(status == expected, $"/readyz stayed {(int)status}: {body}\n{context?.Invoke()}");
        return body;
    }

    public static Task<string> WaitForAsync(GatewayHost gateway, HttpStatusCode expected) => WaitForAsync(gateway.Url, expected);
}
