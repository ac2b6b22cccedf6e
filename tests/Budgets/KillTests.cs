using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using LlmGateway.Budgets.Ledger;
using LlmGateway.Demo;
using LlmGateway.Tests.Infrastructure;

namespace LlmGateway.Tests.Budgets;

/// <summary>
/// The durability guarantee: a request waits for its usage record's group commit before its response ends, so
/// every stream a client read to its end is in the ledger after a SIGKILL, the ledger has no unreadable entry,
/// and the restarted gateway's balances are the replayed ledger's totals.
/// </summary>
public sealed class KillTests
{
    private const string AdminKey = "sk-gw-test-admin";

    [Fact]
    public async Task After_kill_9_under_load_every_acknowledged_record_is_replayed_and_totals_match()
    {
        await using var upstream = await FakeUpstream.StartAsync(new FakeUpstreamOptions());
        var folder = BudgetSettings.TempStorage();
        var storage = Path.Combine(folder, "data");
        var config = Path.Combine(folder, "gateway.json");
        var settings = BudgetSettings.With(upstream.BaseUrl, storage);
        settings["Gateway:Admin:KeySha256:0"] = LlmGateway.Auth.TeamKeys.Sha256Hex(AdminKey);
        settings["Gateway:Cache:Enabled"] = "true"; // as deployed: every request here is a cache miss, stored after the response
        await GatewayProcess.WriteConfigAsync(config, settings);

        // What each client saw end to end: request id → the usage the provider reported in the stream.
        var acknowledged = new ConcurrentDictionary<string, (long Prompt, long Completion)>();
        var sent = new ConcurrentDictionary<string, byte>();
        await using (var gateway = await GatewayProcess.StartAsync(config, folder))
        {
            using var http = new HttpClient { BaseAddress = new Uri(gateway.Url) };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", GatewayHost.TeamKey);
            for (var i = 0; i < 5; i++) // warm-up: the first requests JIT the pipeline and open the cache
            {
                using var warm = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = Json.Chat("mini", $"warm-up {i}") };
                warm.Headers.Add("x-request-id", $"warm-{i}");
                sent[$"warm-{i}"] = 0;
                (await http.SendAsync(warm)).EnsureSuccessStatusCode();
            }
            using var stop = new CancellationTokenSource();
            var workers = Enumerable.Range(0, 16).Select(w => Task.Run(async () =>
            {
                for (var n = 0; !stop.IsCancellationRequested; n++)
                {
                    var id = $"kill-{w}-{n}";
                    sent[id] = 0;
                    try
                    {
                        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
                        {
                            Content = Json.Body($$"""{"model":"mini","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"worker {{w}} request {{n}} words"}]}"""),
                        };
                        request.Headers.Add("x-request-id", id);
                        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
                        JsonNode? usage = null;
                        var done = false;
                        await foreach (var data in Sse.ReadDataAsync(await response.Content.ReadAsStreamAsync()))
                        {
                            if (data == "[DONE]") done = true;
                            else if (JsonNode.Parse(data)!["usage"] is JsonObject u) usage = u;
                        }
                        // The stream ended cleanly (terminating chunk read): the gateway had acknowledged the record.
                        if (done && usage is not null)
                            acknowledged[id] = (usage["prompt_tokens"]!.GetValue<long>(), usage["completion_tokens"]!.GetValue<long>());
                    }
                    catch (Exception ex) when (ex is HttpRequestException or IOException or TaskCanceledException)
                    {
                        return; // the gateway is gone
                    }
                }
            })).ToList();
            // Kill mid-traffic once enough requests have completed, however long that takes on this machine.
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (acknowledged.Count <= 50 && DateTime.UtcNow < deadline)
                await Task.Delay(50);
            gateway.Kill();
            stop.Cancel();
            await Task.WhenAll(workers);
        }
        Assert.True(acknowledged.Count > 50, $"only {acknowledged.Count} requests completed before the kill");

        List<(long Address, long Next, UsageRecord? Record)> entries;
        using (var ledger = UsageLedger.Open(LedgerKeeper.LedgerDirectory(storage)))
            entries = ledger.Read().ToList();
        Assert.All(entries, e => Assert.NotNull(e.Record));
        var records = entries.Select(e => e.Record!).ToDictionary(r => r.RequestId);
        Assert.All(records.Keys, id => Assert.Contains(id, (IDictionary<string, byte>)sent));
        foreach (var (id, usage) in acknowledged)
        {
            Assert.True(records.TryGetValue(id, out var record), $"acknowledged request {id} is missing from the ledger");
            Assert.Equal(usage, (record.PromptTokens, record.CompletionTokens));
            Assert.Equal((usage.Prompt * 0.15m + usage.Completion * 0.60m) / 1_000_000m, record.CostUsd);
        }

        await using var restarted = await GatewayProcess.StartAsync(config, folder);
        using var admin = new HttpClient { BaseAddress = new Uri(restarted.Url) };
        admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminKey);
        var budgets = JsonNode.Parse(await admin.GetStringAsync("/admin/budgets"))!;
        var month = budgets["teams"]!.AsArray().Single(t => t!["team"]!.GetValue<string>() == "team-a")!["periods"]!.AsArray()
            .Single(p => p!["period"]!.GetValue<string>() == "month")!;
        var thisMonth = records.Values.Where(r => r.Time >= month["start"]!.GetValue<DateTimeOffset>()).Sum(r => r.CostUsd);
        Assert.Equal(thisMonth, month["spent_usd"]!.GetValue<decimal>());
        Assert.True(thisMonth >= acknowledged.Values.Sum(u => (u.Prompt * 0.15m + u.Completion * 0.60m) / 1_000_000m) || records.Values.Any(r => r.Time < month["start"]!.GetValue<DateTimeOffset>()));
    }
}
