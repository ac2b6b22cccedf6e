namespace LlmGateway.Routing;

/// <summary>A provider's passive health settings (see <see cref="ProviderOptions"/> for their meaning and defaults).</summary>
internal sealed record PassiveHealthSettings(double FailureRateLimit, TimeSpan FailureWindow, int FailureMinRequests, TimeSpan ReactivationPeriod);
