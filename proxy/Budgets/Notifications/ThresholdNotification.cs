using LlmGateway.Budgets.Accounts;

namespace LlmGateway.Budgets.Notifications;

/// <summary>A crossing to POST, and where.</summary>
internal sealed record ThresholdNotification(Uri Webhook, ThresholdCrossing Crossing, string TimeZone);
