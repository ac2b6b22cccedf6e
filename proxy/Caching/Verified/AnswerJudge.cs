using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace LlmGateway.Caching.Verified;

/// <summary>
/// Asks the configured judge model (<see cref="JudgeOptions"/>) whether two answers to one question give the same
/// information, through the gateway itself by default: the call is authenticated with the judge team's key, charged to its
/// budget, metered and routed like any other. <c>Cache-Control: no-store</c> keeps verdicts out of the cache (neither looked
/// up nor stored). Any reply but one word SAME or DIFFERENT, an error status, a timeout or a failure is no verdict.
/// </summary>
internal sealed partial class AnswerJudge : IAnswerJudge
{
    public const string ClientName = "cache-judge";

    /// <summary>Each answer (and the question) is cut to this many characters: a verdict needs the gist, and the prompt's cost stays bounded.</summary>
    public const int MaxChars = 4000;

    internal const string SystemPrompt =
        "You compare two answers to the same question. Say whether they give the same information: the same facts, numbers " +
        "and conclusions; wording, order and style may differ. Reply with exactly one word: SAME or DIFFERENT.";

    private readonly JudgeOptions _options;
    private readonly string _key;
    private readonly IHttpClientFactory _clients;
    private readonly IServer? _server;
    private readonly TimeProvider _time;
    private readonly BoundMetrics _metrics;
    private readonly ILogger<AnswerJudge> _logger;
    private readonly SemaphoreSlim _slots;

    public AnswerJudge(IOptions<CacheOptions> options, IConfiguration configuration, IHttpClientFactory clients, TimeProvider time,
        BoundMetrics metrics, ILogger<AnswerJudge> logger, IServer? server = null)
    {
        _options = options.Value.Judge;
        _key = configuration[_options.KeyVariable ?? ""] ?? ""; // validated at startup
        _clients = clients;
        _server = server;
        _time = time;
        _metrics = metrics;
        _logger = logger;
        _slots = new SemaphoreSlim(_options.MaxConcurrent, _options.MaxConcurrent);
    }

    /// <summary>The judge's client: no retries and no client timeout (<see cref="JudgeOptions.Timeout"/> bounds each verdict), no request log.</summary>
    public static void AddClient(IServiceCollection services) =>
        services.AddHttpClient(ClientName).ConfigureHttpClient(http => http.Timeout = System.Threading.Timeout.InfiniteTimeSpan).RemoveAllLoggers();

    public async Task<bool?> SameAsync(string question, string cachedAnswer, string freshAnswer, CancellationToken cancellationToken)
    {
        var verdict = await AskAsync(question, cachedAnswer, freshAnswer, cancellationToken);
        _metrics.JudgeCall(verdict);
        return verdict;
    }

    private async Task<bool?> AskAsync(string question, string cachedAnswer, string freshAnswer, CancellationToken cancellationToken)
    {
        if (BaseUrl() is not { } baseUrl)
        {
            NoAddress(_logger);
            return null;
        }
        // The timeout covers the wait for a slot too: a verdict late past it is worth no more than none.
        using var timeout = new CancellationTokenSource(_options.Timeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, cancellationToken);
        var slot = false;
        try
        {
            await _slots.WaitAsync(linked.Token);
            slot = true;
            using var request = new HttpRequestMessage(HttpMethod.Post, baseUrl + "/v1/chat/completions")
            {
                Content = new ByteArrayContent(Body(_options.Model!, question, cachedAnswer, freshAnswer)) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } },
            };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _key);
            request.Headers.CacheControl = new CacheControlHeaderValue { NoStore = true };
            using var response = await _clients.CreateClient(ClientName).SendAsync(request, linked.Token);
            if (!response.IsSuccessStatusCode)
            {
                JudgeFailed(_logger, $"status {(int)response.StatusCode}");
                return null;
            }
            var reply = Parse(AnswerEquivalence.Text(await response.Content.ReadAsByteArrayAsync(linked.Token)));
            if (reply is null)
                JudgeFailed(_logger, "a reply other than SAME or DIFFERENT");
            return reply;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            JudgeFailed(_logger, "timeout");
            return null;
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException)
        {
            JudgeFailed(_logger, ex.GetType().Name);
            return null;
        }
        finally
        {
            if (slot)
                _slots.Release();
        }
    }

    private string? BaseUrl() =>
        _options.BaseUrl?.TrimEnd('/') ?? (_server?.Features.Get<IServerAddressesFeature>() is { } addresses ? JudgeAddress.From(addresses.Addresses) : null);

    internal static byte[] Body(string model, string question, string cachedAnswer, string freshAnswer)
    {
        var user = new StringBuilder()
            .Append("Question:\n").Append(Cut(question))
            .Append("\n\nAnswer A:\n").Append(Cut(cachedAnswer))
            .Append("\n\nAnswer B:\n").Append(Cut(freshAnswer))
            .Append("\n\nDo A and B give the same information? Reply SAME or DIFFERENT.")
            .ToString();
        var body = new JsonObject
        {
            ["model"] = model,
            ["temperature"] = 0,
            ["max_tokens"] = 5,
            ["stream"] = false,
            ["messages"] = new JsonArray(
                new JsonObject { ["role"] = "system", ["content"] = SystemPrompt },
                new JsonObject { ["role"] = "user", ["content"] = user }),
        };
        return System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(body);
    }

    /// <summary>SAME → true, DIFFERENT → false (case, spacing and a trailing full stop forgiven); anything else → null.</summary>
    internal static bool? Parse(string? reply) => reply?.Trim().TrimEnd('.', '!').Trim().ToUpperInvariant() switch
    {
        "SAME" => true,
        "DIFFERENT" => false,
        _ => null,
    };

    private static string Cut(string text) => text.Length <= MaxChars ? text : text[..MaxChars] + " […]";

    [LoggerMessage(11600, LogLevel.Warning, "Verified cache: the judge gave no verdict ({Reason}); the comparison is unverified", EventName = "JudgeNoVerdict")]
    private static partial void JudgeFailed(ILogger logger, string reason);

    [LoggerMessage(11601, LogLevel.Warning, "Verified cache: the judge has no address (no Gateway:Cache:Judge:BaseUrl and no http listening address)", EventName = "JudgeNoAddress")]
    private static partial void NoAddress(ILogger logger);
}
