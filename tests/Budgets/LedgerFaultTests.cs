using System.Net;
using LlmGateway.Budgets.Ledger;
using LlmGateway.Demo;
using LlmGateway.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace LlmGateway.Tests.Budgets;

/// <summary>The ledger's storage fails under a running gateway (a device that fails its writes on demand): money fails closed, health says so, nothing is lost.</summary>
public sealed class LedgerFaultTests
{
    /// <summary>Each fault as FASTER's file device reports it: a failing disk (EIO), a full one (ENOSPC), a read-only remount (EROFS), and an error it cannot map (permission denied arrives as an <c>UnauthorizedAccessException</c>).</summary>
    [Theory]
    [InlineData(FaultSwitch.Eio)]
    [InlineData(FaultSwitch.Enospc)]
    [InlineData(FaultSwitch.Erofs)]
    [InlineData(FaultSwitch.Unmapped)]
    public async Task While_the_ledger_fails_billed_requests_are_refused_readyz_says_ledger_and_held_records_are_written_when_storage_returns(uint errorCode)
    {
        await using var upstream = await FakeUpstream.StartAsync(new FakeUpstreamOptions());
        var faults = new FaultSwitch { ErrorCode = errorCode };
        var storage = BudgetSettings.TempStorage();
        var gateway = await StartAsync(upstream, faults, serve: false, storage);
        var client = gateway.Client();
        for (var i = 0; i < 2; i++)
            (await client.PostAsync("/v1/chat/completions", Json.Chat("mini", $"before {i}"))).EnsureSuccessStatusCode();
        Assert.Equal(2, (await BudgetSettings.WaitForRecordsAsync(gateway, 2)).Count);

        faults.FailWrites = true;
        // Forwarded before the fault is noticed: served, and its record held in memory.
        (await client.PostAsync("/v1/chat/completions", Json.Chat("mini", "during"))).EnsureSuccessStatusCode();
        var ready = await Readiness.WaitForAsync(gateway, HttpStatusCode.ServiceUnavailable);
        Assert.Contains("ledger: Unhealthy", ready);
        Assert.Contains($"error code {errorCode}", ready);

        using var refused = await client.PostAsync("/v1/chat/completions", Json.Chat("mini", "refused"));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.Equal("1", refused.Headers.RetryAfter?.Delta?.TotalSeconds.ToString());
        Assert.Contains("\"code\":\"ledger_unavailable\"", await refused.Content.ReadAsStringAsync());
        Assert.Equal(1, gateway.App.Services.GetRequiredService<LedgerKeeper>().Unrecorded);

        faults.FailWrites = false;
        Assert.Equal("Healthy", await Readiness.WaitForAsync(gateway, HttpStatusCode.OK));
        var records = await BudgetSettings.WaitForRecordsAsync(gateway, 3);
        Assert.Equal(3, records.Count);
        Assert.Equal(0, gateway.App.Services.GetRequiredService<LedgerKeeper>().Unrecorded);
        Assert.Single(gateway.Logs.Lines, l => l.Contains("[6013]"));
        Assert.Single(gateway.Logs.Lines, l => l.Contains("[6014]"));
        (await client.PostAsync("/v1/chat/completions", Json.Chat("mini", "after"))).EnsureSuccessStatusCode();
        Assert.Equal(4, (await BudgetSettings.WaitForRecordsAsync(gateway, 4)).Count);
        await gateway.DisposeAsync();

        // What the reopened log wrote survives a restart.
        using var ledger = UsageLedger.Open(LedgerKeeper.LedgerDirectory(storage), readOnly: true);
        Assert.Equal(4, ledger.Read().Count());
    }

    [Fact]
    public async Task With_serve_requests_are_answered_during_the_fault_one_log_line_per_episode_and_every_record_is_written_after()
    {
        await using var upstream = await FakeUpstream.StartAsync(new FakeUpstreamOptions());
        var faults = new FaultSwitch();
        await using var gateway = await StartAsync(upstream, faults, serve: true);
        var client = gateway.Client();
        (await client.PostAsync("/v1/chat/completions", Json.Chat("mini", "before"))).EnsureSuccessStatusCode();
        await BudgetSettings.WaitForRecordsAsync(gateway, 1);

        faults.FailWrites = true;
        (await client.PostAsync("/v1/chat/completions", Json.Chat("mini", "first during"))).EnsureSuccessStatusCode();
        await Readiness.WaitForAsync(gateway, HttpStatusCode.ServiceUnavailable);
        for (var i = 0; i < 5; i++)
            (await client.PostAsync("/v1/chat/completions", Json.Chat("mini", $"during {i}"))).EnsureSuccessStatusCode();
        // A JSON answer reaches the client before its settlement ends: wait for the last record to be held.
        var keeper = gateway.App.Services.GetRequiredService<LedgerKeeper>();
        Assert.Equal(6, await Eventually.ReadAsync(() => keeper.Unrecorded, held => held >= 6));

        faults.FailWrites = false;
        await Readiness.WaitForAsync(gateway, HttpStatusCode.OK);
        var records = await BudgetSettings.WaitForRecordsAsync(gateway, 7);
        Assert.Equal(7, records.Count);
        Assert.Equal(7, records.Select(r => r.RequestId).Distinct().Count());
        Assert.Single(gateway.Logs.Lines, l => l.Contains("[6013]"));
        Assert.DoesNotContain(gateway.Logs.Lines, l => l.Contains("[6006]"));
    }

    [Fact]
    public async Task Stopping_while_storage_fails_ends_and_reports_the_held_records_as_lost()
    {
        await using var upstream = await FakeUpstream.StartAsync(new FakeUpstreamOptions());
        var faults = new FaultSwitch();
        var gateway = await StartAsync(upstream, faults, serve: true);
        var client = gateway.Client();
        faults.FailWrites = true;
        for (var i = 0; i < 3; i++)
            (await client.PostAsync("/v1/chat/completions", Json.Chat("mini", $"during {i}"))).EnsureSuccessStatusCode();
        await Readiness.WaitForAsync(gateway, HttpStatusCode.ServiceUnavailable);

        await gateway.DisposeAsync();

        Assert.Contains(gateway.Logs.Lines, l => l.Contains("3 usage records were lost"));
        Assert.Contains(gateway.Logs.Lines, l => l.Contains("[6016]"));
        Assert.DoesNotContain(gateway.Logs.Lines, l => l.Contains("[6008]"));
    }

    private static Task<GatewayHost> StartAsync(FakeUpstream upstream, FaultSwitch faults, bool serve, string? storage = null)
    {
        var settings = BudgetSettings.With(upstream.BaseUrl, storage ?? BudgetSettings.TempStorage());
        settings["Gateway:Accounting:LedgerRetryMs"] = "50";
        settings["Gateway:Accounting:OnLedgerFailure"] = serve ? "Serve" : "Refuse";
        return GatewayHost.StartAsync(settings, builder => builder.Services.AddSingleton(new LedgerDeviceHook(faults.Wrap)));
    }
}
