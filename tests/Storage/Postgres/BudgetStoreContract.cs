using LlmGateway.Budgets;
using LlmGateway.Budgets.Accounts;
using LlmGateway.Budgets.Ledger;
using LlmGateway.Caching;

namespace LlmGateway.Tests.Storage.Postgres;

/// <summary>
/// What every budget store must do, run against the embedded one (<see cref="FasterBudgetStoreTests"/>) and PostgreSQL
/// (<see cref="PostgresBudgetStoreTests"/>): admit only what fits under every limit, settle to the real cost, roll periods
/// over in the team's zone, fire each soft threshold once, and never over-admit under concurrency.
/// </summary>
public abstract class BudgetStoreContract : IAsyncLifetime
{
    private protected static readonly DateTimeOffset Noon = new(2026, 11, 20, 12, 0, 0, TimeSpan.Zero);

    private protected IBudgetStore Store { get; private set; } = null!;

    private protected abstract Task<IBudgetStore> CreateStoreAsync();

    public async Task InitializeAsync() => Store = await CreateStoreAsync();

    public virtual Task DisposeAsync() => Task.CompletedTask;

    private protected static BudgetPolicy Policy(decimal? daily = null, decimal? monthly = null, string zone = "UTC", long? dailyTokens = null, Dictionary<string, KeyBudgetOptions>? keys = null) =>
        BudgetPolicy.From(new BudgetOptions
        {
            DailyUsd = daily, MonthlyUsd = monthly, DailyTokens = dailyTokens, TimeZone = zone, SoftPercents = [50, 80, 100],
            Keys = keys is null ? new(StringComparer.OrdinalIgnoreCase) : new(keys, StringComparer.OrdinalIgnoreCase),
        });

    private protected static UsageRecord Record(string team, decimal cost, DateTimeOffset time, long tokens = 10, string key = "kkkkkkkkkkkk") =>
        new(time, team, key, "gpt-4o-mini", "main", tokens, 0, 0, cost, 0m, CacheResult.Miss, false, Guid.NewGuid().ToString("N"));

    [Fact]
    public void A_reservation_is_admitted_only_while_it_fits_and_the_rejection_names_the_period()
    {
        var policy = Policy(daily: 1m);
        Assert.NotNull(Store.TryReserve("t", "kkkkkkkkkkkk", policy, 0.6m, 0, Noon, out _));
        Assert.Null(Store.TryReserve("t", "kkkkkkkkkkkk", policy, 0.6m, 0, Noon, out var rejection));
        Assert.Equal((BudgetPeriod.Day, 1m, Noon.Date.AddDays(1)), (rejection!.Period, rejection.LimitUsd, rejection.ResetsAt.UtcDateTime));
        Assert.Equal(0.6m, Store.Balances("t", policy, Noon)[0].ReservedUsd);
    }

    [Fact]
    public void Settlement_replaces_the_reservation_by_the_real_cost_and_release_gives_it_back()
    {
        var policy = Policy(daily: 1m);
        var first = Store.TryReserve("t", "kkkkkkkkkkkk", policy, 0.6m, 0, Noon, out _);
        Store.Settle(first, policy, Record("t", 0.1m, Noon), Noon);
        var second = Store.TryReserve("t", "kkkkkkkkkkkk", policy, 0.6m, 0, Noon, out _);
        Assert.NotNull(second);
        Store.Release(second);
        var day = Store.Balances("t", policy, Noon)[0];
        Assert.Equal((0.1m, 0m, 10L), (day.SpentUsd, day.ReservedUsd, day.SpentTokens));
        Assert.NotNull(Store.TryReserve("t", "kkkkkkkkkkkk", policy, 0.9m, 0, Noon, out _)); // 0.1 + 0.9 = 1: fits exactly
    }

    [Fact]
    public void Token_limits_are_enforced_like_money()
    {
        var policy = Policy(dailyTokens: 1000);
        Store.Settle(null, policy, Record("t", 0m, Noon, tokens: 900), Noon);
        Assert.Null(Store.TryReserve("t", "kkkkkkkkkkkk", policy, 0, 101, Noon, out var rejection));
        Assert.Equal(1000, rejection!.LimitTokens);
        Assert.NotNull(Store.TryReserve("t", "kkkkkkkkkkkk", policy, 0, 100, Noon, out _));
    }

    [Fact]
    public void The_daily_budget_rolls_over_at_local_midnight_of_the_team_zone()
    {
        var policy = Policy(daily: 1m, zone: "Europe/Berlin");
        // 22:30 UTC is 23:30 in Berlin: still the 20th there.
        var lateEvening = new DateTimeOffset(2026, 11, 20, 22, 30, 0, TimeSpan.Zero);
        Store.Settle(null, policy, Record("t", 0.9m, lateEvening), lateEvening);
        Assert.Null(Store.TryReserve("t", "kkkkkkkkkkkk", policy, 0.2m, 0, lateEvening.AddMinutes(20), out var rejection));
        Assert.Equal(new DateTimeOffset(2026, 11, 20, 23, 0, 0, TimeSpan.Zero), rejection!.ResetsAt);
        // 23:00 UTC is midnight in Berlin: a new day there, though still the 20th in UTC.
        var midnight = new DateTimeOffset(2026, 11, 20, 23, 0, 0, TimeSpan.Zero);
        Assert.NotNull(Store.TryReserve("t", "kkkkkkkkkkkk", policy, 0.2m, 0, midnight, out _));
        Assert.Equal(0m, Store.Balances("t", policy, midnight.AddMinutes(1))[0].SpentUsd);
        Assert.Equal(0.9m, Store.Balances("t", policy, midnight.AddMinutes(1))[2].SpentUsd); // the month goes on
    }

    [Fact]
    public void Each_soft_threshold_fires_once_per_period_and_again_in_the_next()
    {
        var policy = Policy(daily: 1m);
        Assert.Null(Store.Settle(null, policy, Record("t", 0.4m, Noon), Noon));
        Assert.Equal([50], Store.Settle(null, policy, Record("t", 0.2m, Noon), Noon)!.Select(c => c.Percent));
        Assert.Null(Store.Settle(null, policy, Record("t", 0.1m, Noon), Noon));
        Assert.Equal([80, 100], Store.Settle(null, policy, Record("t", 0.5m, Noon), Noon)!.Select(c => c.Percent));
        Assert.Null(Store.Settle(null, policy, Record("t", 0.5m, Noon), Noon));
        Assert.Equal([50], Store.Settle(null, policy, Record("t", 0.6m, Noon.AddDays(1)), Noon.AddDays(1))!.Select(c => c.Percent));
    }

    [Fact]
    public void A_key_budget_stops_that_key_only_and_its_rejected_reservation_is_released()
    {
        var policy = Policy(daily: 10m, keys: new() { ["aaaaaaaaaaaa"] = new KeyBudgetOptions { DailyUsd = 1m } });
        Assert.NotNull(Store.TryReserve("t", "aaaaaaaaaaaa", policy, 0.8m, 0, Noon, out _));
        Assert.Null(Store.TryReserve("t", "aaaaaaaaaaaa", policy, 0.8m, 0, Noon, out var rejection));
        Assert.Equal(("t", "aaaaaaaaaaaa", 1m), (rejection!.Team, rejection.KeyId, rejection.LimitUsd));
        Assert.NotNull(Store.TryReserve("t", "bbbbbbbbbbbb", policy, 0.8m, 0, Noon, out _));
        Assert.Equal(1.6m, Store.Balances("t", policy, Noon)[0].ReservedUsd);
        Assert.NotNull(Store.TryReserve("t", "aaaaaaaaaaaa", policy, 0.2m, 0, Noon, out _)); // 0.8 + 0.2 = the key's 1
    }

    [Fact]
    public async Task A_team_key_rejection_releases_the_key_reservation()
    {
        var policy = Policy(daily: 1m, keys: new() { ["aaaaaaaaaaaa"] = new KeyBudgetOptions { DailyUsd = 5m } });
        Assert.NotNull(Store.TryReserve("t", "bbbbbbbbbbbb", policy, 0.9m, 0, Noon, out _));
        Assert.Null(Store.TryReserve("t", "aaaaaaaaaaaa", policy, 0.5m, 0, Noon, out var rejection)); // the team's 1 is full
        Assert.Null(rejection!.KeyId);
        await Task.Yield();
        // Had the key kept its 0.5, ten more of 0.5 would not fit in its 5.
        var keyOnly = Policy(daily: 100m, keys: new() { ["aaaaaaaaaaaa"] = new KeyBudgetOptions { DailyUsd = 5m } });
        Assert.All(Enumerable.Range(0, 10), i => Assert.NotNull(Store.TryReserve("t", "aaaaaaaaaaaa", keyOnly, 0.5m, 0, Noon, out _)));
    }

    [Fact]
    public async Task Concurrent_reservations_never_admit_more_than_the_limit()
    {
        var policy = Policy(daily: 1m);
        var admitted = await Task.WhenAll(Enumerable.Range(0, 64).Select(i => Task.Run(() => Store.TryReserve("t", "kkkkkkkkkkkk", policy, 0.1m, 0, Noon, out _) is not null)));
        Assert.Equal(10, admitted.Count(a => a));
        Assert.Equal(1.0m, Store.Balances("t", policy, Noon)[0].ReservedUsd);
    }
}
