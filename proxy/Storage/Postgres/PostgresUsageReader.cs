using LlmGateway.Budgets.Finance;
using Npgsql;

namespace LlmGateway.Storage.Postgres;

/// <summary>Usage from the <c>usage_daily</c> view: the same rows <c>/admin/usage</c> and the CLI report for the FASTER ledger, grouped by the database.</summary>
internal sealed class PostgresUsageReader(NpgsqlDataSource dataSource) : IUsageReader
{
    public List<UsageRow> Usage(DateOnly from, DateOnly to)
    {
        using var connection = dataSource.OpenConnection();
        using var command = new NpgsqlCommand("""
            SELECT day, team, model, requests, prompt_tokens, cached_prompt_tokens, completion_tokens, cost_usd,
                saved_prompt_tokens, saved_completion_tokens, saved_usd, cache_hits, estimated_requests
            FROM usage_daily WHERE day BETWEEN $1 AND $2 ORDER BY day, team COLLATE "C", model COLLATE "C"
            """, connection);
        command.Parameters.Add(new NpgsqlParameter { Value = from });
        command.Parameters.Add(new NpgsqlParameter { Value = to });
        using var reader = command.ExecuteReader();
        var rows = new List<UsageRow>();
        while (reader.Read())
        {
            rows.Add(new UsageRow(reader.GetFieldValue<DateOnly>(0), reader.GetString(1), reader.GetString(2), reader.GetInt64(3), reader.GetInt64(4), reader.GetInt64(5),
                reader.GetInt64(6), reader.GetDecimal(7), reader.GetInt64(8), reader.GetInt64(9), reader.GetDecimal(10), reader.GetInt64(11), reader.GetInt64(12)));
        }
        return rows;
    }
}
