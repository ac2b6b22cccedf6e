using System.Globalization;
using System.Net.Http.Json;
using System.Threading.Channels;
using LlmGateway.Budgets.Accounts;

namespace LlmGateway.Budgets.Notifications;

/// <summary>
/// Sends soft-threshold webhooks off the request path: a JSON POST, retried with backoff (1, 2, 4, 8 s on the
/// injected clock) on errors and non-2xx answers, then given up with a log line. At most once per period per threshold:
/// the account decides which crossings are new.
/// </summary>
internal sealed class ThresholdNotifier(TimeProvider time, ILogger<ThresholdNotifier> logger) : BackgroundService
{
    public const int Attempts = 5;

    private readonly Channel<ThresholdNotification> _queue = Channel.CreateBounded<ThresholdNotification>(
        new BoundedChannelOptions(10_000) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };
    private int _disposed;

    public void Enqueue(ThresholdNotification notification) => _queue.Writer.TryWrite(notification);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var notification in _queue.Reader.ReadAllAsync(stoppingToken))
                await SendAsync(notification, stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task SendAsync(ThresholdNotification n, CancellationToken stoppingToken)
    {
        var c = n.Crossing;
        var payload = new
        {
            type = "budget.threshold",
            team = c.Team,
            period = PeriodCalendar.Name(c.Period),
            percent = c.Percent,
            spent_usd = c.SpentUsd.ToString(CultureInfo.InvariantCulture),
            limit_usd = c.LimitUsd.ToString(CultureInfo.InvariantCulture),
            period_start = c.PeriodStart,
            resets_at = c.ResetsAt,
            time_zone = n.TimeZone,
        };
        for (var attempt = 1; attempt <= Attempts; attempt++)
        {
            try
            {
                using var response = await _http.PostAsJsonAsync(n.Webhook, payload, stoppingToken);
                if (response.IsSuccessStatusCode)
                    return;
                BudgetsLog.WebhookFailed(logger, n.Webhook.Host, attempt, Attempts, $"HTTP {(int)response.StatusCode}");
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !stoppingToken.IsCancellationRequested)
            {
                BudgetsLog.WebhookFailed(logger, n.Webhook.Host, attempt, Attempts, ex.GetType().Name);
            }
            if (attempt < Attempts)
                await Task.Delay(TimeSpan.FromSeconds(1 << (attempt - 1)), time, stoppingToken);
        }
    }

    public override void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
            return;
        _http.Dispose();
        base.Dispose();
    }
}
