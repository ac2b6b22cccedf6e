using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using LlmGateway.Budgets.Ledger;
using LlmGateway.Demo;
using LlmGateway.Tests.Infrastructure;
using Xunit.Abstractions;

namespace LlmGateway.Tests.Budgets;

/// <summary>
/// A really full filesystem (ENOSPC), not an injected one: the gateway process runs in its own mount namespace
/// (<c>unshare -rm</c>, no privileges needed where user namespaces are allowed) with its storage on a 16 MiB tmpfs, and the
/// test fills that tmpfs through <c>/proc/{pid}/root</c>. Billed requests are refused with 503, /readyz names the ledger,
/// one log line per episode, and freeing space brings it back with every served record written.
/// </summary>
public sealed class DiskFullTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_really_full_filesystem_refuses_billed_requests_readyz_says_so_and_freeing_space_recovers_with_nothing_lost()
    {
        if (!await CanMountTmpfsAsync())
        {
            output.WriteLine("SKIPPED: `unshare -rm` with a tmpfs mount is not allowed here (no user namespaces); ENOSPC is covered by the fault device in LedgerFaultTests.");
            return;
        }
        await using var upstream = await FakeUpstream.StartAsync(new FakeUpstreamOptions());
        var folder = BudgetSettings.TempStorage();
        var storage = Path.Combine(folder, "volume");
        Directory.CreateDirectory(storage);
        var config = Path.Combine(folder, "gateway.json");
        var settings = BudgetSettings.With(upstream.BaseUrl, storage);
        settings["Gateway:Accounting:LedgerRetryMs"] = "100";
        settings["Gateway:Accounting:CommitTimeoutMs"] = "500";
        settings["Gateway:ShutdownTimeout"] = "00:00:02";
        await GatewayProcess.WriteConfigAsync(config, settings);
        string[] launcher = ["unshare", "-rm", "sh", "-c", "mount -t tmpfs -o size=16m tmpfs \"$0\" && exec \"$@\"", storage];
        await using var gateway = await GatewayProcess.StartAsync(config, folder, launcher);
        var volume = $"/proc/{gateway.Id}/root{storage}"; // the tmpfs as the gateway sees it
        using var http = new HttpClient { BaseAddress = new Uri(gateway.Url), Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", GatewayHost.TeamKey);
        var served = new List<string>();
        for (var i = 0; i < 2; i++)
            Assert.Equal(HttpStatusCode.OK, await BilledRequests.SendAsync(http, $"before-{i}", served));

        var filler = Path.Combine(volume, "filler");
        var filled = Fill(filler);
        output.WriteLine($"filled the tmpfs with {filled} bytes");
        // The gateway's other writers (the cache's checkpoints delete older ones) can free a few pages the next ledger
        // commit then takes: keep the filesystem topped up and keep sending billed requests until a commit fails.
        var attempt = 0;
        await Eventually.ReadAsync(async () =>
        {
            filled += Fill(filler);
            var status = await BilledRequests.SendAsync(http, $"when-full-{attempt++}", served);
            Assert.Contains(status, new[] { HttpStatusCode.OK, HttpStatusCode.ServiceUnavailable });
            using var readiness = await http.GetAsync("/readyz");
            return readiness.StatusCode;
        }, status => status == HttpStatusCode.ServiceUnavailable);
        output.WriteLine($"filled {filled} bytes in all; {attempt} billed requests sent while full");
        var ready = await Readiness.WaitForAsync(gateway.Url, HttpStatusCode.ServiceUnavailable, context: () => gateway.Output);
        Assert.Contains("ledger: Unhealthy", ready);
        using (var refused = await BilledRequests.PostAsync(http, "refused"))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
            Assert.NotNull(refused.Headers.RetryAfter);
            Assert.Contains("ledger_unavailable", await refused.Content.ReadAsStringAsync());
        }

        File.Delete(filler);
        Assert.Equal("Healthy", await Readiness.WaitForAsync(gateway.Url, HttpStatusCode.OK, context: () => gateway.Output));
        Assert.Equal(HttpStatusCode.OK, await BilledRequests.SendAsync(http, "after-space", served));
        var recorded = await Eventually.ReadAsync(() => Recorded(volume), ids => served.All(ids.Contains));
        Assert.All(served, id => Assert.Contains(id, recorded));
        Assert.DoesNotContain("refused", recorded);
        var lines = gateway.Output.Split('\n');
        Assert.Single(lines, l => l.Contains("Ledger storage at") && l.Contains("failed;"));
        Assert.Single(lines, l => l.Contains("Ledger storage at") && l.Contains("is back"));

        gateway.Terminate();
        Assert.True(await gateway.WaitForExitAsync(TimeSpan.FromSeconds(30)), gateway.Output);
    }

    /// <summary>Writes (appends) until the filesystem refuses (ENOSPC), in large then small pieces so that nothing is left.</summary>
    private static long Fill(string path)
    {
        long written = 0;
        using var file = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.None, 1, FileOptions.WriteThrough);
        foreach (var size in new[] { 1 << 20, 4096, 512 })
        {
            var chunk = new byte[size];
            try
            {
                while (true)
                {
                    file.Write(chunk);
                    written += size;
                }
            }
            catch (IOException)
            {
            }
        }
        return written;
    }

    private static HashSet<string> Recorded(string volume)
    {
        using var ledger = UsageLedger.Open(LedgerKeeper.LedgerDirectory(volume), readOnly: true);
        return ledger.Read().Select(r => r.Record!.RequestId).ToHashSet();
    }

    private static async Task<bool> CanMountTmpfsAsync()
    {
        try
        {
            using var probe = Process.Start(new ProcessStartInfo("unshare", ["-rm", "sh", "-c", "mount -t tmpfs -o size=1m tmpfs /mnt"])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            })!;
            await probe.WaitForExitAsync();
            return probe.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false; // no unshare
        }
    }
}
