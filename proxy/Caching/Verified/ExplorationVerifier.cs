using System.Diagnostics.Metrics;
using System.Threading.Channels;
using LlmGateway.Embeddings;
using LlmGateway.Metrics;
using Microsoft.Extensions.Options;

namespace LlmGateway.Caching.Verified;

/// <summary>
/// After an explored request's answer is complete (and storable: never an error or a cut stream), compares it with
/// the candidate's cached answer off the request path and records the outcome through <see cref="ErrorBound.Record"/>.
/// Bounded: past <see cref="CacheOptions.ExplorationQueueCapacity"/> waiting comparisons an exploration is dropped
/// (counted). When the answers differ, the fresh answer is stored as an entry of its own (the candidate is kept).
/// </summary>
internal sealed partial class ExplorationVerifier : BackgroundService
{
    private readonly SemanticCache _cache;
    private readonly BoundMetrics _metrics;
    private readonly AnswerEquivalence _equivalence;
    private readonly ILogger<ExplorationVerifier> _logger;
    private readonly Channel<Job> _queue;
    private long _pending;

    public ExplorationVerifier(SemanticCache cache, ErrorBound bound, BoundMetrics metrics, MetricLabels labels, ITextEmbedder embedder,
        IOptions<CacheOptions> options, IAnswerJudge judge, ILogger<ExplorationVerifier> logger)
    {
        _cache = cache;
        _metrics = metrics;
        _logger = logger;
        var bar = AnswerSimilarityBar.Resolve(options.Value.AnswerSimilarityBar, embedder.ModelId, HitDecisions.All);
        AnswerBarChosen(logger, bar.Bar?.ToString("0.000", System.Globalization.CultureInfo.InvariantCulture) ?? "none", bar.Source);
        var judgeOptions = options.Value.Judge;
        if (judgeOptions.Enabled)
            JudgeChosen(logger, judgeOptions.Model!, judgeOptions.BaseUrl ?? "the gateway itself");
        _equivalence = new AnswerEquivalence(embedder, bar.Bar, judgeOptions.Enabled ? judge : null);
        _queue = Channel.CreateBounded<Job>(new BoundedChannelOptions(options.Value.ExplorationQueueCapacity)
        {
            FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true,
        });
        metrics.ObserveEstimatedErrorRate(() => cache.EvidencePools.All().Select(p => new Measurement<double>(bound.EstimatedErrorRate(p.Pool),
            new KeyValuePair<string, object?>("team", p.Scope.StartsWith("team:", StringComparison.Ordinal) ? labels.Team(p.Scope[5..]) : p.Scope),
            new KeyValuePair<string, object?>("model", labels.Model(p.Model)))));
    }

    /// <summary>Comparisons queued or running; 0 once every completed exploration is recorded (tests wait on it).</summary>
    public long Pending => Interlocked.Read(ref _pending);

    /// <param name="freshAnswer">The explored request's answer as it would be stored.</param>
    /// <param name="storeFresh">Stores the fresh answer under the request's own key (run when the answers differ).</param>
    public void Enqueue(Exploration exploration, byte[] freshAnswer, Func<ValueTask> storeFresh)
    {
        Interlocked.Increment(ref _pending);
        if (_queue.Writer.TryWrite(new Job(exploration, freshAnswer, storeFresh)))
            return;
        Interlocked.Decrement(ref _pending);
        _metrics.Explored(exploration.Bound, "dropped");
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var job in _queue.Reader.ReadAllAsync(stoppingToken))
            {
                try
                {
                    await VerifyAsync(job, stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    VerificationFailed(_logger, ex);
                }
                finally
                {
                    Interlocked.Decrement(ref _pending);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutdown: unverified explorations are lost (their requests were answered; only the evidence is missing).
        }
    }

    private async Task VerifyAsync(Job job, CancellationToken cancellationToken)
    {
        var exploration = job.Exploration;
        var same = await _equivalence.SameAsync(exploration.CachedAnswer, job.FreshAnswer, cancellationToken,
            exploration.Question ?? exploration.Candidate.QueryText ?? "");
        if (same is not { } isSame)
        {
            _metrics.Explored(exploration.Bound, "unverified");
            return;
        }
        if (!_cache.RecordEvidence(exploration.Candidate, exploration.Score, isSame))
        {
            // The candidate was replaced or removed meanwhile: the comparison was with an answer the cache no longer has.
            _metrics.Explored(exploration.Bound, "stale");
            return;
        }
        _metrics.Explored(exploration.Bound, isSame ? "same" : "different");
        if (!isSame)
            await job.StoreFresh();
    }

    private sealed record Job(Exploration Exploration, byte[] FreshAnswer, Func<ValueTask> StoreFresh);

    [LoggerMessage(11550, LogLevel.Information, "Verified cache: answer-similarity bar {Bar} for answers over 20 words ({Source})", EventName = "AnswerSimilarityBarChosen")]
    private static partial void AnswerBarChosen(ILogger logger, string bar, string source);

    [LoggerMessage(11602, LogLevel.Information, "Verified cache: long answers below the bar go to judge model {Model} via {Via}", EventName = "AnswerJudgeChosen")]
    private static partial void JudgeChosen(ILogger logger, string model, string via);

    [LoggerMessage(11100, LogLevel.Warning, "Verifying an explored cache lookup failed; nothing was recorded", EventName = "ExplorationVerificationFailed")]
    private static partial void VerificationFailed(ILogger logger, Exception exception);
}
