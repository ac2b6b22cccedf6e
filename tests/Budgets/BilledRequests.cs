using System.Net;
using LlmGateway.Tests.Infrastructure;

namespace LlmGateway.Tests.Budgets;

/// <summary>Billed chat requests whose <c>x-request-id</c> names them, so a test can find each one in the ledger.</summary>
public static class BilledRequests
{
    /// <summary>Sends one and, when it was answered (200), adds its id to <paramref name="served"/>.</summary>
    public static async Task<HttpStatusCode> SendAsync(HttpClient http, string id, List<string> served)
    {
        using var response = await PostAsync(http, id);
        await response.Content.ReadAsStringAsync();
        if (response.StatusCode == HttpStatusCode.OK)
            served.Add(id);
        return response.StatusCode;
    }

    public static Task<HttpResponseMessage> PostAsync(HttpClient http, string id)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = Json.Chat("mini", $"question {id}") };
        request.Headers.Add("x-request-id", id);
        return http.SendAsync(request);
    }
}
