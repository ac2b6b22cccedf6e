namespace LlmGateway.Caching;

/// <summary><c>Gateway:Cache</c>: the semantic cache. Defaults in brackets.</summary>
public sealed record CacheOptions
{
    public const string Section = "Gateway:Cache";

    /// <summary>Answer from the cache at all [true].</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>
    /// Lowest cosine similarity for a semantic hit. Null: the embedder's default, chosen from the quality
    /// benchmark at precision ≥ 0.99 (see proxy/Caching/README.md).
    /// </summary>
    public double? Threshold { get; init; }

    /// <summary>Per-model thresholds (by configured model name), overriding <see cref="Threshold"/>.</summary>
    public Dictionary<string, double> ModelThresholds { get; init; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Semantic hits when no threshold is configured [auto]: <c>auto</c> uses the operating point measured for the
    /// embedder (Caching/HitDecisions) only if it met the quality goals, <c>on</c> uses it whenever the embedder has one,
    /// <c>off</c> never (exact hits only). A configured <see cref="Threshold"/> wins over all three.
    /// </summary>
    public string Semantic { get; init; } = "auto";

    /// <summary>How long an entry lives [1 day].</summary>
    public TimeSpan Ttl { get; init; } = TimeSpan.FromDays(1);

    /// <summary>Longest TTL a request may ask for with <c>x-cache-ttl</c> [7 days].</summary>
    public TimeSpan MaxTtl { get; init; } = TimeSpan.FromDays(7);

    /// <summary>Capacity in entries [100,000]; the least recently used go first.</summary>
    public int MaxEntries { get; init; } = 100_000;

    /// <summary>Capacity in stored bytes [1 GiB].</summary>
    public long MaxBytes { get; init; } = 1L << 30;

    /// <summary>Largest answer stored [1 MiB]; larger ones are forwarded but not cached.</summary>
    public int MaxEntryBytes { get; init; } = 1 << 20;

    /// <summary>Store answers with several choices (<c>n &gt; 1</c>) [false].</summary>
    public bool StoreMultipleChoices { get; init; }

    /// <summary>
    /// Check a semantic candidate before serving it [true]: with the embedder's measured verifier when it has one
    /// (<see cref="Verifier"/>), else with the look-alike guard (numbers, negation, names, word order). False: cosine alone.
    /// </summary>
    public bool LookAlikeGuard { get; init; } = true;

    /// <summary>
    /// Use the verifier measured for the embedder (Caching/HitDecisions) instead of the look-alike guard, and its
    /// operating point as the default threshold [true]. Embedders without a measured verifier use the guard either way.
    /// </summary>
    public bool Verifier { get; init; } = true;

    /// <summary>How long a lookup may wait for the embedding before the request is served as a miss [250 ms].</summary>
    public TimeSpan EmbeddingTimeout { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>How often entries are made durable (FASTER checkpoint + index snapshot) [5 s]: a crash loses at most this much.</summary>
    public TimeSpan CommitInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How long a commit may take before the store counts as failing and the cache is bypassed [10 s] (a checkpoint on vanished storage may never finish).</summary>
    public TimeSpan CommitTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>FASTER's in-memory log size [256 MiB]; older entries live on disk and are read back on a hit.</summary>
    public long MemoryBytes { get; init; } = 256L << 20;

    /// <summary>Fraction of semantic hits re-asked of the provider in the background to estimate false hits [0 = off].</summary>
    public double ShadowSampleRate { get; init; }

    /// <summary>
    /// Answers waiting to be embedded and put in the vector index [4,096]. The exact tier is written at once; when this
    /// queue is full the answer stays exact-only (counted in <c>llm_gateway.cache.store_dropped{reason="queue_full"}</c>)
    /// rather than slowing requests.
    /// </summary>
    public int IndexQueueCapacity { get; init; } = 4096;

    /// <summary>Background workers embedding and indexing answers, each taking batches [0 = half the cores, 1 to 4].</summary>
    public int IndexWorkers { get; init; }

    /// <summary>
    /// δ, the error rate a semantic hit may have [unset = off]: each candidate above the threshold is served only where
    /// its entry's verified evidence says a hit at its score is wrong at most this often; where that is not known yet the
    /// request is forwarded and the two answers compared (Verified/, proxy/Caching/README.md). Between 0 and 0.5.
    /// </summary>
    public double? MaxErrorRate { get; init; }

    /// <summary>Per-model δ (by configured model name), overriding <see cref="MaxErrorRate"/>.</summary>
    public Dictionary<string, double> ModelMaxErrorRates { get; init; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Under δ, a candidate whose hit-decision score is below this is never explored (nor served) [0.7].</summary>
    public double ExploreFloor { get; init; } = 0.7;

    /// <summary>
    /// Under δ, two long answers (over 20 words) are the same when the embedder's cosine between them reaches this;
    /// shorter ones must be equal after normalisation. [unset: the bar measured for the configured embedder's exact id
    /// (Caching/HitDecisions, <c>bench -- answer-equivalence</c>); none measured: equal answers only.]
    /// </summary>
    public double? AnswerSimilarityBar { get; init; }

    /// <summary>Explored answers waiting to be compared with their entry's [256]; past that an exploration is dropped (counted).</summary>
    public int ExplorationQueueCapacity { get; init; } = 256;

    /// <summary>Under δ, a judge model for long answers the first comparison layers cannot call the same [unset = none].</summary>
    public Verified.JudgeOptions Judge { get; init; } = new();

    /// <param name="variables">Reads an environment variable (the configuration); the judge's key is checked with it.</param>
    internal IEnumerable<string> Validate(Func<string, string?>? variables = null)
    {
        foreach (var error in Judge.Validate(variables ?? (_ => null)))
            yield return error;
        if (MaxErrorRate is { } delta && !Verified.MaxErrorRates.IsValid(delta))
            yield return $"{Section}:MaxErrorRate: must be above 0 and at most 0.5.";
        foreach (var (model, rate) in ModelMaxErrorRates)
        {
            if (!Verified.MaxErrorRates.IsValid(rate))
                yield return $"{Section}:ModelMaxErrorRates:{model}: must be above 0 and at most 0.5.";
        }
        if (ExploreFloor is < 0 or > 1) yield return $"{Section}:ExploreFloor: must be between 0 and 1.";
        if (AnswerSimilarityBar is <= 0 or > 1) yield return $"{Section}:AnswerSimilarityBar: must be above 0 and at most 1.";
        if (ExplorationQueueCapacity is < 1 or > 100_000) yield return $"{Section}:ExplorationQueueCapacity: must be between 1 and 100,000.";
        if (Threshold is < 0 or > 1)
            yield return $"{Section}:Threshold: must be between 0 and 1.";
        foreach (var (model, threshold) in ModelThresholds)
        {
            if (threshold is < 0 or > 1)
                yield return $"{Section}:ModelThresholds:{model}: must be between 0 and 1.";
        }
        if (Semantic is not ("auto" or "on" or "off"))
            yield return $"{Section}:Semantic: must be auto, on or off.";
        if (Ttl <= TimeSpan.Zero) yield return $"{Section}:Ttl: must be positive.";
        if (MaxTtl < Ttl) yield return $"{Section}:MaxTtl: must be at least Ttl.";
        if (MaxEntries <= 0) yield return $"{Section}:MaxEntries: must be positive.";
        if (MaxBytes <= 0) yield return $"{Section}:MaxBytes: must be positive.";
        if (MaxEntryBytes is <= 0 or > 16 << 20) yield return $"{Section}:MaxEntryBytes: must be between 1 and 16 MiB.";
        if (EmbeddingTimeout <= TimeSpan.Zero) yield return $"{Section}:EmbeddingTimeout: must be positive.";
        if (CommitInterval <= TimeSpan.Zero) yield return $"{Section}:CommitInterval: must be positive.";
        if (CommitTimeout <= TimeSpan.Zero) yield return $"{Section}:CommitTimeout: must be positive.";
        if (MemoryBytes < 16L << 20) yield return $"{Section}:MemoryBytes: must be at least 16 MiB.";
        if (ShadowSampleRate is < 0 or > 1) yield return $"{Section}:ShadowSampleRate: must be between 0 and 1.";
        if (IndexQueueCapacity is < 1 or > 1_000_000) yield return $"{Section}:IndexQueueCapacity: must be between 1 and 1,000,000.";
        if (IndexWorkers is < 0 or > 64) yield return $"{Section}:IndexWorkers: must be between 0 (half the cores) and 64.";
    }
}
