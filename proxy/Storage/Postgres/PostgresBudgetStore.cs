using System.Collections.Concurrent;
using LlmGateway.Budgets;
using LlmGateway.Budgets.Accounts;
using LlmGateway.Budgets.Ledger;
using LlmGateway.Gateway;
using Npgsql;
using NpgsqlTypes;

namespace LlmGateway.Storage.Postgres;

/// <summary>
/// Budgets in PostgreSQL, shared by every replica on the database: one atomic statement per account for a reservation
/// (<see cref="BudgetSql.Reserve"/>), one per account for a settlement (<see cref="BudgetSql.Settle"/>). A key with its own
/// budget is reserved first, then the team, and the key's reservation is released if the team's does not fit (as in
/// <see cref="BudgetEngine"/>). The calls are synchronous, like the seam they implement: a loopback round trip is well
/// under a millisecond. A reservation whose replica died is given back after <c>Gateway:Storage:ReservationTimeout</c>
/// (<see cref="ExpireAsync"/>, run by <see cref="PostgresLedger"/>).
/// </summary>
internal sealed class PostgresBudgetStore(PostgresDatabase database, GatewayConfigStore config, BudgetsConfigProvider budgets, PostgresMetrics metrics) : IBudgetStore
{
    private const string TeamAccount = "";
    private readonly ConcurrentDictionary<(string Team, string Key), bool> _known = new();
    private readonly ConcurrentQueue<(PostgresReservation? Reservation, BudgetPolicy Policy, UsageRecord Record, DateTimeOffset Now)> _unsettled = new();

    public Reservation? TryReserve(string team, string keyId, BudgetPolicy policy, decimal usd, long tokens, DateTimeOffset now, out BudgetRejection? rejection)
    {
        try
        {
            return ReserveNow(team, keyId, policy, usd, tokens, now, out rejection);
        }
        catch (Exception ex) when (PostgresDatabase.IsUnavailable(ex))
        {
            database.Failed(ex);
            var accounting = budgets.Current.Accounting;
            if (accounting.OnLedgerFailure == LedgerFailurePolicy.Serve)
            {
                // Fails open, as configured: nothing is held (a reservation made before the failure expires), the spend is settled when the database returns.
                metrics.Bypassed();
                rejection = null;
                return new PostgresReservation(Guid.Empty, team, null, usd, tokens);
            }
            metrics.Refused();
            rejection = new BudgetRejection(team, null, BudgetPeriod.Day, null, null, 0, now + TimeSpan.FromMilliseconds(accounting.LedgerRetryMs), policy.Zone) { StorageUnavailable = true };
            return null;
        }
    }

    private Reservation? ReserveNow(string team, string keyId, BudgetPolicy policy, decimal usd, long tokens, DateTimeOffset now, out BudgetRejection? rejection)
    {
        var id = Guid.CreateVersion7();
        var timeout = config.Current.Options.Storage.ReservationTimeout.TotalSeconds;
        using var connection = Open();
        string? key = null;
        if (policy.Keys.TryGetValue(keyId, out var keyPolicy))
        {
            rejection = ReserveOrReject(connection, team, keyId, keyPolicy, usd, tokens, now, id, timeout);
            if (rejection is not null)
                return null;
            key = keyId;
        }
        rejection = ReserveOrReject(connection, team, null, policy, usd, tokens, now, id, timeout);
        if (rejection is not null)
        {
            if (key is not null)
                Release(connection, team, key, id);
            return null;
        }
        return new PostgresReservation(id, team, key, usd, tokens);
    }

    /// <summary>
    /// Reserves on one account, or says which limit refused it. The reason is read after the refusal; when others settled
    /// in between so that it would fit now, the reservation is tried again (a few times) rather than refused for nothing.
    /// </summary>
    private BudgetRejection? ReserveOrReject(NpgsqlConnection connection, string team, string? keyId, BudgetPolicy policy, decimal usd, long tokens, DateTimeOffset now, Guid id, double timeout)
    {
        BudgetRejection? rejection = null;
        for (var attempt = 0; attempt < 3; attempt++)
        {
            if (Reserve(connection, team, keyId ?? TeamAccount, policy, usd, tokens, now, id, timeout))
                return null;
            bool definite;
            (rejection, definite) = Rejection(connection, team, keyId, policy, usd, tokens, now);
            if (definite)
                return rejection;
        }
        return rejection;
    }

    public List<ThresholdCrossing>? Settle(Reservation? held, BudgetPolicy policy, UsageRecord record, DateTimeOffset now)
    {
        try
        {
            return SettleNow((PostgresReservation?)held, policy, record, now);
        }
        catch (Exception ex) when (PostgresDatabase.IsUnavailable(ex))
        {
            // The record still goes to the ledger (held in memory until the database returns); its spend is applied then.
            database.Failed(ex);
            _unsettled.Enqueue(((PostgresReservation?)held, policy, record, now));
            return null;
        }
    }

    /// <summary>Applies settlements that failed while the database was down (the ledger calls this once writes succeed again); false when it still fails.</summary>
    public bool RetryUnsettled()
    {
        while (_unsettled.TryPeek(out var pending))
        {
            try
            {
                SettleNow(pending.Reservation, pending.Policy, pending.Record, pending.Now);
            }
            catch (Exception ex) when (PostgresDatabase.IsUnavailable(ex))
            {
                return false;
            }
            _unsettled.TryDequeue(out _);
        }
        return true;
    }

    private List<ThresholdCrossing>? SettleNow(PostgresReservation? reservation, BudgetPolicy policy, UsageRecord record, DateTimeOffset now)
    {
        using var connection = Open();
        var keyPolicy = policy.Keys.GetValueOrDefault(record.KeyId);
        // A key without a budget of its own needs no balance: its spend is in usage_records (key_spend_monthly).
        if (reservation?.KeyId is not null || keyPolicy is not null)
            SettleAccount(connection, record.Team, record.KeyId, keyPolicy ?? BudgetPolicy.Unlimited, record, now, reservation?.KeyId is null ? null : reservation.Id);
        var (before, after) = SettleAccount(connection, record.Team, TeamAccount, policy, record, now, reservation?.Id);
        return Crossings(record.Team, policy, before, after, now);
    }

    public void Release(Reservation held)
    {
        var reservation = (PostgresReservation)held;
        if (reservation.Id == Guid.Empty)
            return;
        try
        {
            using var connection = Open();
            if (reservation.KeyId is not null)
                Release(connection, reservation.Team, reservation.KeyId, reservation.Id);
            Release(connection, reservation.Team, TeamAccount, reservation.Id);
        }
        catch (Exception ex) when (PostgresDatabase.IsUnavailable(ex))
        {
            database.Failed(ex); // the reservation stays until it expires (Gateway:Storage:ReservationTimeout)
        }
    }

    public PeriodBalance[] Balances(string team, BudgetPolicy policy, DateTimeOffset now)
    {
        using var connection = Open();
        var row = ReadAccount(connection, team, TeamAccount, policy, now);
        var result = new PeriodBalance[3];
        for (var i = 0; i < 3; i++)
        {
            var (start, end) = PeriodCalendar.Range((BudgetPeriod)i, now, policy.Zone);
            result[i] = new PeriodBalance((BudgetPeriod)i, start, end, row.Usd[i], row.Tokens[i], row.ReservedUsd, policy.Limits[i]?.Usd, policy.Limits[i]?.Tokens);
        }
        return result;
    }

    /// <summary>Gives back reservations past their expiry; returns how many.</summary>
    public async Task<int> ExpireAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand(BudgetSql.Expire, connection);
        return (int)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    private NpgsqlConnection Open()
    {
        try
        {
            return database.BudgetDataSource.OpenConnection();
        }
        catch (Exception ex) when (PostgresDatabase.IsUnavailable(ex))
        {
            database.Failed(ex);
            throw;
        }
    }

    private bool Reserve(NpgsqlConnection connection, string team, string key, BudgetPolicy policy, decimal usd, long tokens, DateTimeOffset now, Guid id, double timeout)
    {
        if (!_known.ContainsKey((team, key)))
        {
            // Marked known only once the row surely exists (several requests may insert it at once: DO NOTHING).
            using var ensure = Command(connection, BudgetSql.EnsureAccount, team, key);
            ensure.ExecuteNonQuery();
            _known[(team, key)] = true;
        }
        using var command = Command(connection, BudgetSql.Reserve, team, key);
        command.Parameters.Add(Numeric(usd));
        command.Parameters.Add(new NpgsqlParameter { Value = tokens, NpgsqlDbType = NpgsqlDbType.Bigint });
        AddStarts(command, policy, now);
        for (var i = 0; i < 3; i++)
        {
            command.Parameters.Add(Numeric(policy.Limits[i]?.Usd));
            command.Parameters.Add(new NpgsqlParameter { Value = (object?)policy.Limits[i]?.Tokens ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Bigint });
        }
        command.Parameters.Add(new NpgsqlParameter { Value = id, NpgsqlDbType = NpgsqlDbType.Uuid });
        command.Parameters.Add(new NpgsqlParameter { Value = timeout, NpgsqlDbType = NpgsqlDbType.Double });
        return command.ExecuteNonQuery() == 1;
    }

    private static (decimal[] Before, decimal[] After) SettleAccount(NpgsqlConnection connection, string team, string key, BudgetPolicy policy, UsageRecord record, DateTimeOffset now, Guid? id)
    {
        using var command = Command(connection, BudgetSql.Settle, team, key);
        command.Parameters.Add(Numeric(record.CostUsd));
        command.Parameters.Add(new NpgsqlParameter { Value = record.BilledTokens, NpgsqlDbType = NpgsqlDbType.Bigint });
        var starts = AddStarts(command, policy, now);
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)id ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Uuid });
        using var reader = command.ExecuteReader();
        reader.Read();
        var before = new decimal[3];
        var after = new decimal[3];
        for (var i = 0; i < 3; i++)
        {
            after[i] = reader.GetDecimal(2 * i + 1);
            // Only spend of this very period counts (the row may have rolled over in this statement, or be ahead of us).
            var sameStart = reader.GetFieldValue<DateTime>(2 * i) == starts[i];
            after[i] = sameStart ? after[i] : 0;
            before[i] = sameStart ? after[i] - record.CostUsd : 0;
        }
        return (before, after);
    }

    private static void Release(NpgsqlConnection connection, string team, string key, Guid id)
    {
        using var command = Command(connection, BudgetSql.Release, team, key);
        command.Parameters.Add(new NpgsqlParameter { Value = id, NpgsqlDbType = NpgsqlDbType.Uuid });
        command.ExecuteNonQuery();
    }

    /// <summary>Which limit did not fit, read after the fact (the rare path: one more round trip).</summary>
    private static (BudgetRejection Rejection, bool Definite) Rejection(NpgsqlConnection connection, string team, string? keyId, BudgetPolicy policy, decimal usd, long tokens, DateTimeOffset now)
    {
        var row = ReadAccount(connection, team, keyId ?? TeamAccount, policy, now);
        BudgetRejection? first = null;
        for (var i = 0; i < 3; i++)
        {
            if (policy.Limits[i] is not { } limit)
                continue;
            var (_, end) = PeriodCalendar.Range((BudgetPeriod)i, now, policy.Zone);
            var usdRejection = new BudgetRejection(team, keyId, (BudgetPeriod)i, limit.Usd, null, row.Usd[i], end, policy.Zone);
            var tokenRejection = new BudgetRejection(team, keyId, (BudgetPeriod)i, null, limit.Tokens, row.Usd[i], end, policy.Zone);
            if (limit.Usd is { } maxUsd && row.Usd[i] + row.ReservedUsd + usd > maxUsd)
                return (usdRejection, true);
            if (limit.Tokens is { } maxTokens && row.Tokens[i] + row.ReservedTokens + tokens > maxTokens)
                return (tokenRejection, true);
            first ??= limit.Usd is null ? tokenRejection : usdRejection;
        }
        // Other requests settled between the two statements (it would fit now): the caller tries again.
        return (first ?? new BudgetRejection(team, keyId, BudgetPeriod.Day, null, null, 0, now, policy.Zone), false);
    }

    private static (decimal[] Usd, long[] Tokens, decimal ReservedUsd, long ReservedTokens) ReadAccount(NpgsqlConnection connection, string team, string key, BudgetPolicy policy, DateTimeOffset now)
    {
        using var command = Command(connection, BudgetSql.Read, team, key);
        using var reader = command.ExecuteReader();
        var usd = new decimal[3];
        var tokens = new long[3];
        if (!reader.Read())
            return (usd, tokens, 0, 0);
        for (var i = 0; i < 3; i++)
        {
            var (start, _) = PeriodCalendar.Range((BudgetPeriod)i, now, policy.Zone);
            if (reader.IsDBNull(3 * i) || reader.GetFieldValue<DateTime>(3 * i) < start.UtcDateTime)
                continue;
            usd[i] = reader.GetDecimal(3 * i + 1);
            tokens[i] = reader.GetInt64(3 * i + 2);
        }
        return (usd, tokens, reader.GetDecimal(9), reader.GetInt64(10));
    }

    private static List<ThresholdCrossing>? Crossings(string team, BudgetPolicy policy, decimal[] before, decimal[] after, DateTimeOffset now)
    {
        List<ThresholdCrossing>? crossed = null;
        for (var i = 0; i < 3; i++)
        {
            if (policy.Limits[i]?.Usd is not { } limit)
                continue;
            foreach (var percent in policy.SoftPercents)
            {
                // Exactly one settlement moves a period's spend across a threshold: the statements on the row are serialized.
                if (before[i] * 100 < limit * percent && after[i] * 100 >= limit * percent)
                {
                    var (start, end) = PeriodCalendar.Range((BudgetPeriod)i, now, policy.Zone);
                    (crossed ??= []).Add(new ThresholdCrossing(team, (BudgetPeriod)i, percent, after[i], limit, start, end));
                }
            }
        }
        return crossed;
    }

    private static DateTime[] AddStarts(NpgsqlCommand command, BudgetPolicy policy, DateTimeOffset now)
    {
        var starts = new DateTime[3];
        for (var i = 0; i < 3; i++)
        {
            starts[i] = PeriodCalendar.Range((BudgetPeriod)i, now, policy.Zone).Start.UtcDateTime;
            command.Parameters.Add(new NpgsqlParameter { Value = starts[i], NpgsqlDbType = NpgsqlDbType.TimestampTz });
        }
        return starts;
    }

    private static NpgsqlCommand Command(NpgsqlConnection connection, string sql, string team, string key)
    {
        var command = new NpgsqlCommand(sql, connection);
        command.Parameters.Add(new NpgsqlParameter { Value = team, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = key, NpgsqlDbType = NpgsqlDbType.Text });
        return command;
    }

    private static NpgsqlParameter Numeric(decimal? value) => new() { Value = (object?)value ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Numeric };
}
