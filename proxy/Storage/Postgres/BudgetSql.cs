namespace LlmGateway.Storage.Postgres;

/// <summary>
/// The budget statements. Each works on one account row and is atomic on its own: PostgreSQL locks the row and
/// re-checks the WHERE clause against its latest version, so concurrent reservations from any number of replicas
/// are admitted one after the other, each seeing the others' amounts. A period rolls over inside the same statement:
/// spend stored for an older period start counts as 0 ($5..$7 are the current day/week/month starts in the team's zone).
/// </summary>
internal static class BudgetSql
{
    private static string Current(string period, string column, int start) => $"CASE WHEN {period}_start >= ${start} THEN {period}_{column} ELSE 0 END";

    private static string Fits(string period, int start, int limitUsd, int limitTokens) =>
        $"(${limitUsd}::numeric IS NULL OR {Current(period, "usd", start)} + reserved_usd + $3 <= ${limitUsd}) " +
        $"AND (${limitTokens}::bigint IS NULL OR {Current(period, "tokens", start)} + reserved_tokens + $4 <= ${limitTokens})";

    private static string Roll(string period, int start) =>
        $"{period}_usd = {Current(period, "usd", start)}, {period}_tokens = {Current(period, "tokens", start)}, {period}_start = GREATEST({period}_start, ${start})";

    /// <summary>
    /// $1 team, $2 key ('' = team), $3 usd, $4 tokens, $5..$7 period starts, $8..$13 limits (usd, tokens per period; null = none),
    /// $14 reservation id, $15 seconds until it expires. One row affected = reserved.
    /// </summary>
    public static readonly string Reserve = $"""
        WITH a AS (
            UPDATE budget_accounts SET {Roll("day", 5)}, {Roll("week", 6)}, {Roll("month", 7)},
                reserved_usd = reserved_usd + $3, reserved_tokens = reserved_tokens + $4
            WHERE team = $1 AND key_id = $2 AND {Fits("day", 5, 8, 9)} AND {Fits("week", 6, 10, 11)} AND {Fits("month", 7, 12, 13)}
            RETURNING team)
        INSERT INTO budget_reservations (id, team, key_id, usd, tokens, expires_at)
        SELECT $14, $1, $2, $3, $4, now() + make_interval(secs => $15) FROM a
        """;

    /// <summary>
    /// $1 team, $2 key, $3 cost, $4 tokens, $5..$7 period starts, $8 reservation id (null = none). Gives the reservation
    /// back only if it is still there (an expired one was given back by the sweep) and adds the spend. Returns the period totals.
    /// </summary>
    public static readonly string Settle = """
        WITH r AS (DELETE FROM budget_reservations WHERE id = $8 AND key_id = $2 RETURNING usd, tokens)
        INSERT INTO budget_accounts AS b (team, key_id, day_start, day_usd, day_tokens, week_start, week_usd, week_tokens, month_start, month_usd, month_tokens)
        VALUES ($1, $2, $5, $3, $4, $6, $3, $4, $7, $3, $4)
        ON CONFLICT (team, key_id) DO UPDATE SET
            day_usd = CASE WHEN b.day_start >= $5 THEN b.day_usd ELSE 0 END + $3,
            day_tokens = CASE WHEN b.day_start >= $5 THEN b.day_tokens ELSE 0 END + $4,
            day_start = GREATEST(b.day_start, $5),
            week_usd = CASE WHEN b.week_start >= $6 THEN b.week_usd ELSE 0 END + $3,
            week_tokens = CASE WHEN b.week_start >= $6 THEN b.week_tokens ELSE 0 END + $4,
            week_start = GREATEST(b.week_start, $6),
            month_usd = CASE WHEN b.month_start >= $7 THEN b.month_usd ELSE 0 END + $3,
            month_tokens = CASE WHEN b.month_start >= $7 THEN b.month_tokens ELSE 0 END + $4,
            month_start = GREATEST(b.month_start, $7),
            reserved_usd = b.reserved_usd - coalesce((SELECT sum(usd) FROM r), 0),
            reserved_tokens = b.reserved_tokens - coalesce((SELECT sum(tokens) FROM r), 0)
        RETURNING day_start, day_usd, week_start, week_usd, month_start, month_usd
        """;

    /// <summary>$1 team, $2 key, $3 reservation id: gives an unused reservation back (if it has not expired meanwhile).</summary>
    public const string Release = """
        WITH r AS (DELETE FROM budget_reservations WHERE id = $3 AND key_id = $2 RETURNING usd, tokens)
        UPDATE budget_accounts SET reserved_usd = reserved_usd - r.usd, reserved_tokens = reserved_tokens - r.tokens
        FROM r WHERE team = $1 AND key_id = $2
        """;

    public const string EnsureAccount = "INSERT INTO budget_accounts (team, key_id) VALUES ($1, $2) ON CONFLICT DO NOTHING";

    public const string Read = """
        SELECT day_start, day_usd, day_tokens, week_start, week_usd, week_tokens, month_start, month_usd, month_tokens, reserved_usd, reserved_tokens
        FROM budget_accounts WHERE team = $1 AND key_id = $2
        """;

    /// <summary>Gives back every reservation past its expiry (its replica died before settling), one statement for all of them.</summary>
    public const string Expire = """
        WITH gone AS (DELETE FROM budget_reservations WHERE expires_at < now() RETURNING team, key_id, usd, tokens),
        total AS (SELECT team, key_id, sum(usd) AS usd, sum(tokens) AS tokens, count(*) AS n FROM gone GROUP BY team, key_id),
        updated AS (UPDATE budget_accounts a SET reserved_usd = a.reserved_usd - total.usd, reserved_tokens = a.reserved_tokens - total.tokens
            FROM total WHERE a.team = total.team AND a.key_id = total.key_id RETURNING total.n)
        SELECT coalesce(sum(n), 0)::int FROM updated
        """;
}
