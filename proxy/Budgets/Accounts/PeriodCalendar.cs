namespace LlmGateway.Budgets.Accounts;

/// <summary>Where a period starts and ends, as UTC instants, for a time zone: local midnight, Monday (ISO week) and the 1st of the month.</summary>
internal static class PeriodCalendar
{
    public static (DateTimeOffset Start, DateTimeOffset End) Range(BudgetPeriod period, DateTimeOffset now, TimeZoneInfo zone)
    {
        var local = TimeZoneInfo.ConvertTime(now, zone).DateTime.Date;
        var (start, end) = period switch
        {
            BudgetPeriod.Day => (local, local.AddDays(1)),
            BudgetPeriod.Week => WeekOf(local),
            BudgetPeriod.Month => (new DateTime(local.Year, local.Month, 1), new DateTime(local.Year, local.Month, 1).AddMonths(1)),
            _ => throw new ArgumentOutOfRangeException(nameof(period)),
        };
        return (ToUtc(start, zone), ToUtc(end, zone));
    }

    public static string Name(BudgetPeriod period) => period switch
    {
        BudgetPeriod.Day => "day",
        BudgetPeriod.Week => "week",
        _ => "month",
    };

    private static (DateTime, DateTime) WeekOf(DateTime day)
    {
        var sinceMonday = ((int)day.DayOfWeek + 6) % 7;
        var monday = day.AddDays(-sinceMonday);
        return (monday, monday.AddDays(7));
    }

    /// <summary>A local wall-clock time as a UTC instant; a time skipped by a DST jump is moved past the gap.</summary>
    private static DateTimeOffset ToUtc(DateTime local, TimeZoneInfo zone)
    {
        var unspecified = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
        while (zone.IsInvalidTime(unspecified))
            unspecified = unspecified.AddMinutes(15);
        var offset = zone.GetUtcOffset(unspecified);
        return new DateTimeOffset(unspecified, offset).ToUniversalTime();
    }
}
