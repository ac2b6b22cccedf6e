using LlmGateway.Budgets;
using LlmGateway.Budgets.Accounts;

namespace LlmGateway.Tests.Budgets;

public sealed class AccountTests
{
    private static BudgetPolicy Policy(decimal? daily = null, decimal? monthly = null, string zone = "Europe/Berlin", long? dailyTokens = null) =>
        BudgetPolicy.From(new BudgetOptions { DailyUsd = daily, MonthlyUsd = monthly, DailyTokens = dailyTokens, TimeZone = zone });

    [Fact]
    public void Daily_budget_rolls_over_at_local_midnight_in_a_non_utc_zone()
    {
        var policy = Policy(daily: 1m);
        var account = new Account("t", null);
        // 2026-11-20 22:30 UTC is 23:30 in Berlin (UTC+1): still the 20th there.
        var lateEvening = new DateTimeOffset(2026, 11, 20, 22, 30, 0, TimeSpan.Zero);
        account.Settle(policy, 0, 0, 0.9m, 10, lateEvening);
        Assert.NotNull(account.TryReserve(policy, 0.2m, 0, lateEvening.AddMinutes(20)));   // 23:50 local: same day, 0.9 + 0.2 > 1

        var day = account.Balances(policy, lateEvening)[(int)BudgetPeriod.Day];
        Assert.Equal(new DateTimeOffset(2026, 11, 19, 23, 0, 0, TimeSpan.Zero), day.Start);
        Assert.Equal(new DateTimeOffset(2026, 11, 20, 23, 0, 0, TimeSpan.Zero), day.End);

        // 23:00 UTC is midnight in Berlin (but still the 20th in UTC): a new day there.
        Assert.Null(account.TryReserve(policy, 0.2m, 0, new DateTimeOffset(2026, 11, 20, 23, 0, 0, TimeSpan.Zero)));
        Assert.Equal(0m, account.Balances(policy, new DateTimeOffset(2026, 11, 20, 23, 1, 0, TimeSpan.Zero))[(int)BudgetPeriod.Day].SpentUsd);
    }

    [Fact]
    public void Monthly_budget_rolls_over_on_the_first_in_the_zone_and_not_before()
    {
        var policy = Policy(monthly: 10m, zone: "America/New_York");
        var account = new Account("t", null);
        // 2026-12-01 03:00 UTC is still Nov 30, 22:00 in New York (UTC-5).
        var stillNovember = new DateTimeOffset(2026, 12, 1, 3, 0, 0, TimeSpan.Zero);
        account.Settle(policy, 0, 0, 9.5m, 0, new DateTimeOffset(2026, 11, 15, 12, 0, 0, TimeSpan.Zero));
        var rejection = account.TryReserve(policy, 1m, 0, stillNovember);
        Assert.NotNull(rejection);
        Assert.Equal(BudgetPeriod.Month, rejection.Period);
        Assert.Equal(new DateTimeOffset(2026, 12, 1, 5, 0, 0, TimeSpan.Zero), rejection.ResetsAt);
        Assert.Null(account.TryReserve(policy, 1m, 0, new DateTimeOffset(2026, 12, 1, 5, 0, 0, TimeSpan.Zero)));
    }

    [Fact]
    public void Reservations_count_against_the_limit_until_settled_to_the_real_cost()
    {
        var policy = Policy(daily: 1m, zone: "UTC");
        var account = new Account("t", null);
        var now = new DateTimeOffset(2026, 11, 20, 12, 0, 0, TimeSpan.Zero);
        Assert.Null(account.TryReserve(policy, 0.6m, 0, now));
        Assert.NotNull(account.TryReserve(policy, 0.6m, 0, now));   // 0.6 reserved + 0.6 > 1
        account.Settle(policy, 0.6m, 0, 0.1m, 0, now);               // real cost was 0.1
        Assert.Null(account.TryReserve(policy, 0.6m, 0, now));      // 0.1 spent + 0.6 fits
        Assert.Equal(0.1m, account.Balances(policy, now)[0].SpentUsd);
    }

    [Fact]
    public void Token_limits_are_enforced_like_money()
    {
        var policy = Policy(dailyTokens: 1000, zone: "UTC");
        var account = new Account("t", null);
        var now = new DateTimeOffset(2026, 11, 20, 12, 0, 0, TimeSpan.Zero);
        account.Settle(policy, 0, 0, 0, 900, now);
        var rejection = account.TryReserve(policy, 0, 101, now);
        Assert.NotNull(rejection);
        Assert.Equal(1000, rejection.LimitTokens);
        Assert.Null(account.TryReserve(policy, 0, 100, now));
    }

    [Fact]
    public void Each_soft_threshold_fires_once_per_period_and_again_in_the_next()
    {
        var policy = BudgetPolicy.From(new BudgetOptions { DailyUsd = 1m, SoftPercents = [50, 80, 100] });
        var account = new Account("t", null);
        var now = new DateTimeOffset(2026, 11, 20, 12, 0, 0, TimeSpan.Zero);
        Assert.Null(account.Settle(policy, 0, 0, 0.4m, 0, now));
        Assert.Equal([50], account.Settle(policy, 0, 0, 0.2m, 0, now)!.Select(c => c.Percent));
        Assert.Null(account.Settle(policy, 0, 0, 0.1m, 0, now));
        Assert.Equal([80, 100], account.Settle(policy, 0, 0, 0.5m, 0, now)!.Select(c => c.Percent));
        Assert.Null(account.Settle(policy, 0, 0, 0.5m, 0, now));
        Assert.Equal([50], account.Settle(policy, 0, 0, 0.6m, 0, now.AddDays(1))!.Select(c => c.Percent));
    }

    [Fact]
    public void A_key_budget_inside_a_team_stops_that_key_only()
    {
        var policy = BudgetPolicy.From(new BudgetOptions
        {
            DailyUsd = 10m,
            Keys = new(StringComparer.OrdinalIgnoreCase) { ["aaaaaaaaaaaa"] = new KeyBudgetOptions { DailyUsd = 1m } },
        });
        var engine = new BudgetEngine(new AccountBook());
        var now = new DateTimeOffset(2026, 11, 20, 12, 0, 0, TimeSpan.Zero);

        var first = engine.TryReserve("t", "aaaaaaaaaaaa", policy, 0.8m, 0, now, out _);
        Assert.NotNull(first);
        Assert.Null(engine.TryReserve("t", "aaaaaaaaaaaa", policy, 0.8m, 0, now, out var rejection));
        Assert.Equal(("t", "aaaaaaaaaaaa", 1m), (rejection!.Team, rejection.KeyId, rejection.LimitUsd));
        Assert.NotNull(engine.TryReserve("t", "bbbbbbbbbbbb", policy, 0.8m, 0, now, out _)); // another key of the team still has room
        Assert.Equal(1.6m, engine.Book.Team("t").Balances(policy, now)[0].ReservedUsd);
        Assert.Equal(0.8m, engine.Book.Key("t", "aaaaaaaaaaaa").Balances(policy.Keys["aaaaaaaaaaaa"], now)[0].ReservedUsd); // the rejected one was released
    }

    [Theory]
    [InlineData("2026-10-25T12:00:00Z", "Day", "2026-10-24T22:00:00Z", "2026-10-25T23:00:00Z")]   // Berlin's 25-hour DST day
    [InlineData("2026-11-22T12:00:00Z", "Week", "2026-11-15T23:00:00Z", "2026-11-22T23:00:00Z")]  // Sunday: the week began Monday 16th
    [InlineData("2026-11-23T00:30:00Z", "Week", "2026-11-22T23:00:00Z", "2026-11-29T23:00:00Z")]  // Monday 01:30 local: a new week
    [InlineData("2026-03-29T12:00:00Z", "Month", "2026-02-28T23:00:00Z", "2026-03-31T22:00:00Z")] // March ends in summer time
    public void Periods_follow_the_zone_including_daylight_saving_changes(string now, string period, string start, string end)
    {
        var range = PeriodCalendar.Range(Enum.Parse<BudgetPeriod>(period), DateTimeOffset.Parse(now), TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin"));
        Assert.Equal((DateTimeOffset.Parse(start), DateTimeOffset.Parse(end)), range);
    }
}
