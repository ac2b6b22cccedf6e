namespace LlmGateway.Caching.Verified;

/// <summary>What a lookup under <c>Gateway:Cache:MaxErrorRate</c> does with one candidate entry.</summary>
internal enum BoundVerdict
{
    /// <summary>The evidence says a hit at this score is wrong at most δ of the time (with the stated confidence): serve it.</summary>
    Serve,

    /// <summary>Not known yet: forward the request, compare the fresh answer with the entry's, and record the outcome.</summary>
    Explore,

    /// <summary>Known to be too risky at this score (or not worth a verification): try the next candidate, else a miss.</summary>
    Skip,
}
