using System.Net;
using LlmGateway.Budgets.Accounts;
using LlmGateway.Budgets.Notifications;
using LlmGateway.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace LlmGateway.Tests.Budgets;

/// <summary>The webhook client's resilience pipeline, against a stub receiver, on a fake clock.</summary>
public sealed class ThresholdNotifierTests
{
    private static readonly DateTimeOffset Noon = new(2026, 11, 20, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(HttpStatusCode.ServiceUnavailable, ThresholdNotifier.Attempts)]
    [InlineData(HttpStatusCode.NotFound, 1)]
    public async Task Transient_failures_are_retried_with_backoff_on_the_injected_clock_and_other_answers_are_final(HttpStatusCode status, int calls)
    {
        var clock = new FakeTimeProvider(Noon);
        var receiver = new StubReceiver(status, clock);
        var logs = new CapturingLoggerProvider();
        var services = new ServiceCollection()
            .AddLogging(l => l.AddProvider(logs))
            .AddSingleton<TimeProvider>(clock);
        ThresholdNotifier.AddWebhookClient(services);
        services.AddHttpClient(ThresholdNotifier.ClientName).ConfigurePrimaryHttpMessageHandler(() => receiver);
        services.AddSingleton<ThresholdNotifier>();
        await using var provider = services.BuildServiceProvider();
        var notifier = provider.GetRequiredService<ThresholdNotifier>();
        await notifier.StartAsync(CancellationToken.None);

        var crossing = new ThresholdCrossing("team-a", BudgetPeriod.Day, 80, 8m, 10m, Noon.AddHours(-12), Noon.AddHours(12));
        notifier.Enqueue(new ThresholdNotification(new Uri("http://hooks.example/services/T0/B0/secret-path"), crossing, "UTC"));
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!logs.Lines.Any(l => l.Contains("[6010]")) && DateTime.UtcNow < deadline)
        {
            // Small steps: a retry that a loaded machine schedules late sees the fake clock moved by little meanwhile.
            clock.Advance(TimeSpan.FromMilliseconds(250));
            await Task.Delay(20);
        }
        await notifier.StopAsync(CancellationToken.None);

        Assert.Equal(calls, receiver.Times.Count);
        // 1, 2, 4, 8 s apart on the fake clock, give or take the test's own steps (a pipeline on the real clock would
        // let the test move the fake one by minutes meanwhile).
        var gaps = receiver.Times.Zip(receiver.Times.Skip(1), (a, b) => b - a).ToList();
        Assert.All(gaps.Select((gap, i) => (gap, i)), g => Assert.InRange(g.gap, TimeSpan.FromSeconds(1 << g.i), TimeSpan.FromSeconds((1 << g.i) + 5)));
        Assert.Equal(calls - 1, logs.Lines.Count(l => l.Contains("[6004]")));
        Assert.Single(logs.Lines, l => l.Contains("[6010]") && l.Contains($"HTTP {(int)status}") && l.Contains("hooks.example"));
        Assert.DoesNotContain(logs.Lines, l => l.Contains("secret-path")); // webhook paths carry secrets
    }

    private sealed class StubReceiver(HttpStatusCode status, TimeProvider clock) : HttpMessageHandler
    {
        public List<DateTimeOffset> Times { get; } = [];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            lock (Times) Times.Add(clock.GetUtcNow());
            return Task.FromResult(new HttpResponseMessage(status));
        }
    }
}
