using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;

namespace LlmGateway.Bench.Gateway;

/// <summary>
/// Legitimate chat requests of about 1 MB, sent on a fixed schedule without waiting for each other (so a stuck
/// gateway cannot slow the schedule down), each with a deadline.
/// </summary>
internal sealed class LegitTraffic(HttpClient http, Uri uri, string key, string model)
{
    private readonly byte[] _body = Body(model);

    public int BodyBytes => _body.Length;

    public async Task<LegitOutcome> RunAsync(TimeSpan interval, TimeSpan duration)
    {
        var outcome = new LegitOutcome();
        var inFlight = new List<Task>();
        var start = Stopwatch.GetTimestamp();
        for (var i = 0; interval * i < duration; i++)
        {
            var wait = interval * i - Stopwatch.GetElapsedTime(start);
            if (wait > TimeSpan.Zero)
                await Task.Delay(wait);
            inFlight.Add(SendAsync(outcome));
        }
        await Task.WhenAll(inFlight);
        return outcome;
    }

    private async Task SendAsync(LegitOutcome outcome)
    {
        var clock = Stopwatch.StartNew();
        string status;
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = new ByteArrayContent(_body) };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
            using var response = await http.SendAsync(request);
            await response.Content.ReadAsByteArrayAsync();
            status = ((int)response.StatusCode).ToString();
        }
        catch (TaskCanceledException)
        {
            status = "timeout";
        }
        catch (HttpRequestException e)
        {
            status = e.HttpRequestError.ToString();
        }
        outcome.Add(status, clock.Elapsed.TotalMilliseconds);
    }

    private static byte[] Body(string model)
    {
        var content = new StringBuilder(1_000_000);
        while (content.Length < 1_000_000)
            content.Append("Please summarise the attached meeting notes and list the decisions. ");
        return Encoding.UTF8.GetBytes($"{{\"model\":\"{model}\",\"messages\":[{{\"role\":\"user\",\"content\":\"{content}\"}}]}}");
    }
}
