using System.Diagnostics.Metrics;
using System.Text.Json.Nodes;
using LlmGateway.Caching;
using LlmGateway.Caching.Verified;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace LlmGateway.Tests.Caching.Verified;

/// <summary>Stand-ins for the judge's tests: a recording judge, an HTTP handler, and an <see cref="AnswerJudge"/> built on them.</summary>
internal static class JudgeStubs
{
    public const string Key = "sk-gw-judge-team";

    /// <summary>Answers every question with <see cref="Verdict"/> and remembers what it was asked.</summary>
    public sealed class RecordingJudge(bool? verdict) : IAnswerJudge
    {
        public List<(string Question, string Cached, string Fresh)> Calls { get; } = [];

        public bool? Verdict { get; set; } = verdict;

        public Task<bool?> SameAsync(string question, string cachedAnswer, string freshAnswer, CancellationToken cancellationToken)
        {
            Calls.Add((question, cachedAnswer, freshAnswer));
            return Task.FromResult(Verdict);
        }
    }

    public sealed class Handler(Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> respond) : HttpMessageHandler
    {
        public List<(HttpRequestMessage Request, string Body)> Requests { get; } = [];

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Requests.Add((request, request.Content is null ? "" : await request.Content.ReadAsStringAsync(cancellationToken)));
            return await respond(request, cancellationToken);
        }
    }

    private sealed class Clients(HttpMessageHandler handler) : IHttpClientFactory
    {
        public HttpClient CreateClient(string name) => new(handler, disposeHandler: false);
    }

    /// <summary>A chat completion whose content is <paramref name="reply"/>.</summary>
    public static string Completion(string reply) => new JsonObject
    {
        ["id"] = "chatcmpl-judge",
        ["object"] = "chat.completion",
        ["created"] = 0,
        ["model"] = "judge-upstream",
        ["choices"] = new JsonArray(new JsonObject
        {
            ["index"] = 0,
            ["message"] = new JsonObject { ["role"] = "assistant", ["content"] = reply },
            ["finish_reason"] = "stop",
        }),
        ["usage"] = new JsonObject { ["prompt_tokens"] = 60, ["completion_tokens"] = 1, ["total_tokens"] = 61 },
    }.ToJsonString();

    public static Handler Replying(string reply, System.Net.HttpStatusCode status = System.Net.HttpStatusCode.OK) =>
        new((_, _) => Task.FromResult(new HttpResponseMessage(status) { Content = new StringContent(Completion(reply), System.Text.Encoding.UTF8, "application/json") }));

    /// <summary>An <see cref="AnswerJudge"/> on <paramref name="handler"/>; its verdicts are counted on <paramref name="meters"/>.</summary>
    public static AnswerJudge Judge(HttpMessageHandler handler, IMeterFactory meters, TimeProvider? time = null, JudgeOptions? options = null)
    {
        options ??= new JudgeOptions { Model = "judge-model", KeyVariable = "JUDGE_KEY", BaseUrl = "http://judge.test/" };
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["JUDGE_KEY"] = Key }).Build();
        return new AnswerJudge(Options.Create(new CacheOptions { Judge = options }), configuration, new Clients(handler), time ?? TimeProvider.System,
            new BoundMetrics(meters), NullLogger<AnswerJudge>.Instance);
    }

    public static IMeterFactory Meters() => new ServiceCollection().AddMetrics().BuildServiceProvider().GetRequiredService<IMeterFactory>();

    /// <summary>Counts <c>llm_gateway.cache.judge_calls</c> by verdict on meters of <paramref name="factory"/> only (tests run in parallel).</summary>
    public sealed class JudgeCallCounter : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly Dictionary<string, long> _counts = [];

        public JudgeCallCounter(IMeterFactory factory)
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Name == "llm_gateway.cache.judge_calls" && ReferenceEquals(instrument.Meter.Scope, factory))
                    listener.EnableMeasurementEvents(instrument);
            };
            _listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
            {
                foreach (var tag in tags)
                {
                    if (tag.Key == "verdict")
                    {
                        lock (_counts)
                            _counts[(string)tag.Value!] = _counts.GetValueOrDefault((string)tag.Value!) + value;
                    }
                }
            });
            _listener.Start();
        }

        public long this[string verdict]
        {
            get
            {
                lock (_counts)
                    return _counts.GetValueOrDefault(verdict);
            }
        }

        public void Dispose() => _listener.Dispose();
    }
}
