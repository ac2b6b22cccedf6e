namespace LlmGateway.Budgets.Finance;

/// <summary>Usage grouped by UTC day, team and model, as <c>/admin/usage</c>, the <c>usage</c> CLI and the dashboard read it.</summary>
internal interface IUsageReader
{
    List<UsageRow> Usage(DateOnly from, DateOnly to);
}
