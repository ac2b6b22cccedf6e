namespace LlmGateway.Storage;

/// <summary><c>Gateway:Storage</c>: where durable state lives (cache entries, vector snapshots, the spend ledger).</summary>
public sealed record StorageOptions
{
    public const string Faster = "faster";
    public const string Postgres = "postgres";

    /// <summary>
    /// <c>faster</c> (embedded, one process; the default) or <c>postgres</c> (budgets, ledger and finance in PostgreSQL,
    /// shared by every replica on the same database; see <c>Storage/Postgres/README.md</c>). Read at startup only.
    /// </summary>
    public string Provider { get; init; } = Faster;

    /// <summary>Folder for FASTER's files; each capability uses a sub-folder (<c>cache/</c>, <c>ledger/</c>). Relative paths are from the working directory.</summary>
    public string Path { get; init; } = "data";

    /// <summary>Npgsql connection string, for <c>postgres</c> (e.g. <c>Host=db;Database=gateway;Username=gateway;Password=...</c>).</summary>
    public string? ConnectionString { get; init; }

    /// <summary>
    /// <c>postgres</c>: a reservation not settled after this long (its replica crashed mid-request) is given back by
    /// whichever replica sweeps first. Must exceed the longest request. Default 15 minutes.
    /// </summary>
    public TimeSpan ReservationTimeout { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// <c>postgres</c>: commit budget balance changes (reservations, settlements) without waiting for PostgreSQL's WAL
    /// flush (<c>synchronous_commit = off</c> on their connections only; usage records always wait). About 7× faster per
    /// request (bench: 0.36 vs 2.7 ms p50), but if the database server itself crashes the last fraction of a second of
    /// balance changes is lost, so replicas may then admit up to that much more spend in the current period. Default false.
    /// </summary>
    public bool AsyncBudgetCommits { get; init; }

    /// <summary>
    /// How many replicas serve the same teams (behind one load balancer). Rate limits are not shared through the
    /// database: each replica enforces its share, ⌈limit / Replicas⌉, so together they admit about the limit when the
    /// balancer spreads a team's requests evenly (see Storage/Postgres/README.md). Default 1.
    /// </summary>
    public int Replicas { get; init; } = 1;

    public bool IsPostgres => string.Equals(Provider, Postgres, StringComparison.OrdinalIgnoreCase);
}
