using System.Globalization;
using System.Net.Http.Json;
using System.Threading.Channels;
using LlmGateway.Budgets.Accounts;
using Microsoft.Extensions.Http.Resilience;
using Polly;
using Polly.Timeout;

namespace LlmGateway.Budgets.Notifications;

/// <summary>
/// Sends soft-threshold webhooks off the request path: a JSON POST through the <see cref="ClientName"/> client, whose
/// resilience pipeline (<see cref="AddWebhookClient"/>) retries transient failures, then gives up with a log line.
/// At most once per period per threshold: the account decides which crossings are new.
/// </summary>
internal sealed class ThresholdNotifier(IHttpClientFactory clients, ILogger<ThresholdNotifier> logger) : BackgroundService
{
    public const string ClientName = "budget-webhooks";
    public const int Attempts = 5;
    public static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(10);

    private readonly Channel<ThresholdNotification> _queue = Channel.CreateBounded<ThresholdNotification>(
        new BoundedChannelOptions(10_000) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });

    public void Enqueue(ThresholdNotification notification) => _queue.Writer.TryWrite(notification);

    /// <summary>
    /// The webhook client: network errors, attempt timeouts, 408, 429 and 5xx are retried after 1, 2, 4 and 8 s, each
    /// attempt limited to <see cref="AttemptTimeout"/>, all on the injected clock (tests move it). Other answers are final.
    /// </summary>
    public static void AddWebhookClient(IServiceCollection services) =>
        services.AddHttpClient(ClientName)
            .ConfigureHttpClient(http => http.Timeout = Timeout.InfiniteTimeSpan) // the pipeline times each attempt
            .RemoveAllLoggers() // the factory's request log prints the URL, and webhook URLs carry secrets in their path
            .AddResilienceHandler("retry", (pipeline, context) =>
            {
                var log = context.ServiceProvider.GetRequiredService<ILogger<ThresholdNotifier>>();
                // Polly's DI integration would take it from the container too; said here because the tests depend on it.
                pipeline.TimeProvider = context.ServiceProvider.GetRequiredService<TimeProvider>();
                pipeline.AddRetry(new HttpRetryStrategyOptions
                {
                    MaxRetryAttempts = Attempts - 1,
                    Delay = TimeSpan.FromSeconds(1),
                    BackoffType = DelayBackoffType.Exponential,
                    UseJitter = false,
                    // One slow receiver must not hold the queue for as long as its Retry-After asks.
                    ShouldRetryAfterHeader = false,
                    OnRetry = args =>
                    {
                        var host = args.Context.GetRequestMessage()?.RequestUri?.Host ?? "-";
                        BudgetsLog.WebhookFailed(log, host, args.AttemptNumber + 1, Attempts, Describe(args.Outcome));
                        return default;
                    },
                });
                pipeline.AddTimeout(AttemptTimeout);
            });

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
        try
        {
            using var response = await clients.CreateClient(ClientName).PostAsJsonAsync(n.Webhook, payload, stoppingToken);
            if (!response.IsSuccessStatusCode)
                BudgetsLog.WebhookNotDelivered(logger, n.Webhook.Host, $"HTTP {(int)response.StatusCode}");
        }
        catch (Exception ex) when (ex is HttpRequestException or TimeoutRejectedException && !stoppingToken.IsCancellationRequested)
        {
            BudgetsLog.WebhookNotDelivered(logger, n.Webhook.Host, ex.GetType().Name);
        }
    }

    private static string Describe(Outcome<HttpResponseMessage> outcome) =>
        outcome.Exception?.GetType().Name ?? $"HTTP {(int)outcome.Result!.StatusCode}";
}
