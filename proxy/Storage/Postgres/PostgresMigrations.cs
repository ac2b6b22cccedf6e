using Npgsql;

namespace LlmGateway.Storage.Postgres;

/// <summary>
/// The schema, as numbered migrations applied in order at startup. Several replicas may start at once: the whole run
/// holds a session advisory lock, so one applies and the others then find nothing left to do. Each migration runs in
/// its own transaction with its row in <c>gateway_schema_migrations</c>, so a crash mid-way leaves no half-applied one.
/// Never edit a migration that shipped: add the next one.
/// </summary>
internal static class PostgresMigrations
{
    /// <summary>Any constant; only gateways take this advisory lock.</summary>
    private const long LockId = 0x4C4C_4D47_5701;

    public static readonly IReadOnlyList<(int Version, string Name, string Sql)> All =
    [
        (1, "budgets and ledger", """
            CREATE TABLE usage_records (
                seq bigserial PRIMARY KEY,
                record_id uuid NOT NULL UNIQUE,
                time timestamptz NOT NULL,
                team text NOT NULL,
                key_id text NOT NULL,
                model text NOT NULL,
                provider text NOT NULL,
                prompt_tokens bigint NOT NULL,
                cached_prompt_tokens bigint NOT NULL,
                completion_tokens bigint NOT NULL,
                cost_usd numeric NOT NULL,
                saved_usd numeric NOT NULL,
                cache_result text NOT NULL,
                estimated boolean NOT NULL,
                request_id text NOT NULL);
            CREATE INDEX usage_records_time ON usage_records (time);
            COMMENT ON TABLE usage_records IS 'One row per settled request (LlmGateway). Append-only: corrections are new rows.';

            CREATE FUNCTION usage_records_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN RAISE EXCEPTION 'usage_records is append-only'; END $$;
            CREATE TRIGGER usage_records_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON usage_records
                FOR EACH STATEMENT EXECUTE FUNCTION usage_records_append_only();

            CREATE TABLE budget_accounts (
                team text NOT NULL,
                key_id text NOT NULL,
                day_start timestamptz, day_usd numeric NOT NULL DEFAULT 0, day_tokens bigint NOT NULL DEFAULT 0,
                week_start timestamptz, week_usd numeric NOT NULL DEFAULT 0, week_tokens bigint NOT NULL DEFAULT 0,
                month_start timestamptz, month_usd numeric NOT NULL DEFAULT 0, month_tokens bigint NOT NULL DEFAULT 0,
                reserved_usd numeric NOT NULL DEFAULT 0,
                reserved_tokens bigint NOT NULL DEFAULT 0,
                PRIMARY KEY (team, key_id));
            COMMENT ON TABLE budget_accounts IS 'Spend of the current day/week/month (team time zone) and what in-flight requests reserved; key_id '''' is the team.';

            CREATE TABLE budget_reservations (
                id uuid NOT NULL,
                team text NOT NULL,
                key_id text NOT NULL,
                usd numeric NOT NULL,
                tokens bigint NOT NULL,
                expires_at timestamptz NOT NULL,
                PRIMARY KEY (id, key_id));
            CREATE INDEX budget_reservations_expiry ON budget_reservations (expires_at);

            CREATE VIEW usage_daily AS
            SELECT (time AT TIME ZONE 'UTC')::date AS day, team, model,
                count(*) AS requests,
                coalesce(sum(prompt_tokens) FILTER (WHERE cache_result <> 'hit'), 0)::bigint AS prompt_tokens,
                coalesce(sum(cached_prompt_tokens) FILTER (WHERE cache_result <> 'hit'), 0)::bigint AS cached_prompt_tokens,
                coalesce(sum(completion_tokens) FILTER (WHERE cache_result <> 'hit'), 0)::bigint AS completion_tokens,
                sum(cost_usd) AS cost_usd,
                coalesce(sum(prompt_tokens) FILTER (WHERE cache_result = 'hit'), 0)::bigint AS saved_prompt_tokens,
                coalesce(sum(completion_tokens) FILTER (WHERE cache_result = 'hit'), 0)::bigint AS saved_completion_tokens,
                sum(saved_usd) AS saved_usd,
                count(*) FILTER (WHERE cache_result = 'hit') AS cache_hits,
                count(*) FILTER (WHERE estimated) AS estimated_requests
            FROM usage_records GROUP BY 1, 2, 3;
            COMMENT ON VIEW usage_daily IS 'Spend and cache savings per UTC day, team and model (what /admin/usage and the usage CLI report).';

            CREATE VIEW key_spend_monthly AS
            SELECT date_trunc('month', time AT TIME ZONE 'UTC')::date AS month, team, key_id,
                count(*) AS requests, sum(cost_usd) AS cost_usd, sum(saved_usd) AS saved_usd
            FROM usage_records GROUP BY 1, 2, 3;
            COMMENT ON VIEW key_spend_monthly IS 'Spend per UTC month, team and key id (first 12 hex digits of the key''s SHA-256): top keys.';
            """),
        (2, "shared cache entries", """
            CREATE SEQUENCE cache_entries_seq;
            CREATE TABLE cache_entries (
                key bytea PRIMARY KEY,
                value bytea,
                seq bigint NOT NULL,
                updated_at timestamptz NOT NULL DEFAULT now());
            CREATE INDEX cache_entries_by_seq ON cache_entries (seq);
            COMMENT ON TABLE cache_entries IS 'Semantic-cache entries shared by replicas (answer, vector, partition, expiry, embedder: CacheEntry bytes); value NULL = deleted (a tombstone replicas follow).';

            -- Writers take one transaction lock, so sequence numbers commit in order: a replica that has read every row up
            -- to seq N has seen every change up to N, and its catch-up query (seq > N) can never skip a late commit.
            CREATE FUNCTION cache_put(k bytea, v bytea) RETURNS bigint LANGUAGE plpgsql AS $$
            DECLARE s bigint;
            BEGIN
                PERFORM pg_advisory_xact_lock(5071455);
                s := nextval('cache_entries_seq');
                INSERT INTO cache_entries AS c (key, value, seq) VALUES (k, v, s)
                    ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, seq = EXCLUDED.seq, updated_at = now();
                PERFORM pg_notify('llmgw_cache', s::text);
                RETURN s;
            END $$;
            """),
        (3, "cache rewrites never resurrect a deleted entry", """
            -- A replica rewrites an entry it holds (its vector added by its background indexing): that must not undo a
            -- deletion (a purge) another replica committed meanwhile, so a rewrite changes only a row that still has a value.
            CREATE FUNCTION cache_rewrite(k bytea, v bytea) RETURNS bigint LANGUAGE plpgsql AS $$
            DECLARE s bigint;
            BEGIN
                PERFORM pg_advisory_xact_lock(5071455);
                IF NOT EXISTS (SELECT 1 FROM cache_entries WHERE key = k AND value IS NOT NULL) THEN
                    RETURN NULL;
                END IF;
                s := nextval('cache_entries_seq');
                UPDATE cache_entries SET value = v, seq = s, updated_at = now() WHERE key = k;
                PERFORM pg_notify('llmgw_cache', s::text);
                RETURN s;
            END $$;
            """),
        (4, "cache evidence appended atomically", """
            -- The verified cache's evidence (issue 18): small fixed-size records the gateway appends for an entry, opaque here.
            -- Appending is one statement under the writers' lock, so replicas recording on one entry at once lose nothing;
            -- a new answer for the key (cache_put) starts with none.
            ALTER TABLE cache_entries ADD COLUMN evidence bytea NOT NULL DEFAULT ''::bytea;
            ALTER TABLE cache_entries ADD COLUMN evidence_total bigint NOT NULL DEFAULT 0;
            COMMENT ON COLUMN cache_entries.evidence IS 'Verified-cache observations of the entry''s answer (newest kept), appended by cache_append_evidence.';
            COMMENT ON COLUMN cache_entries.evidence_total IS 'Observations ever appended to evidence (a replica adds those it has not seen).';

            CREATE FUNCTION cache_append_evidence(k bytea, o bytea, keep int) RETURNS TABLE (seq bigint, evidence bytea, evidence_total bigint)
            LANGUAGE plpgsql AS $$
            DECLARE s bigint;
            BEGIN
                PERFORM pg_advisory_xact_lock(5071455);
                IF NOT EXISTS (SELECT 1 FROM cache_entries c WHERE c.key = k AND c.value IS NOT NULL) THEN
                    RETURN;
                END IF;
                s := nextval('cache_entries_seq');
                RETURN QUERY UPDATE cache_entries c
                    SET evidence = CASE WHEN length(c.evidence || o) > keep THEN substring(c.evidence || o FROM length(c.evidence || o) - keep + 1) ELSE c.evidence || o END,
                        evidence_total = c.evidence_total + 1, seq = s, updated_at = now()
                    WHERE c.key = k RETURNING c.seq, c.evidence, c.evidence_total;
                PERFORM pg_notify('llmgw_cache', s::text);
            END $$;

            CREATE OR REPLACE FUNCTION cache_put(k bytea, v bytea) RETURNS bigint LANGUAGE plpgsql AS $$
            DECLARE s bigint;
            BEGIN
                PERFORM pg_advisory_xact_lock(5071455);
                s := nextval('cache_entries_seq');
                INSERT INTO cache_entries AS c (key, value, seq) VALUES (k, v, s)
                    ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, seq = EXCLUDED.seq, updated_at = now(), evidence = ''::bytea, evidence_total = 0;
                PERFORM pg_notify('llmgw_cache', s::text);
                RETURN s;
            END $$;
            """),
    ];

    /// <summary>Applies what is missing; returns the schema version and how many migrations this call applied.</summary>
    public static async Task<(int Version, int Applied)> ApplyAsync(NpgsqlConnection connection, ILogger logger, CancellationToken cancellationToken)
    {
        await Execute(connection, $"SELECT pg_advisory_lock({LockId})", cancellationToken);
        try
        {
            await Execute(connection, "CREATE TABLE IF NOT EXISTS gateway_schema_migrations (version int PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())", cancellationToken);
            await using var read = new NpgsqlCommand("SELECT coalesce(max(version), 0) FROM gateway_schema_migrations", connection);
            var current = (int)(await read.ExecuteScalarAsync(cancellationToken))!;
            var applied = 0;
            foreach (var (version, name, sql) in All.Where(m => m.Version > current))
            {
                await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
                await using (var migrate = new NpgsqlCommand(sql, connection, transaction))
                    await migrate.ExecuteNonQueryAsync(cancellationToken);
                await using (var mark = new NpgsqlCommand("INSERT INTO gateway_schema_migrations (version, name) VALUES ($1, $2)", connection, transaction))
                {
                    mark.Parameters.Add(new() { Value = version });
                    mark.Parameters.Add(new() { Value = name });
                    await mark.ExecuteNonQueryAsync(cancellationToken);
                }
                await transaction.CommitAsync(cancellationToken);
                PostgresLog.Migrated(logger, version, name);
                current = version;
                applied++;
            }
            return (current, applied);
        }
        finally
        {
            await Execute(connection, $"SELECT pg_advisory_unlock({LockId})", CancellationToken.None);
        }
    }

    private static async Task Execute(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
