using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Runtime.InteropServices;

namespace LlmGateway.Bench.Compare;

/// <summary>
/// An open-loop load generator (Debian has no wrk2): request i is due at start + i / rate whatever happened to the
/// earlier ones, and its latency is measured from that intended time, so a slow answer is not hidden by the generator
/// waiting for it (coordinated omission). One scheduler thread sleeps until each due time (usleep: the kernel's timer
/// slack is ~50 µs) and hands the request to the thread pool; a bounded connection pool queues what it cannot send at once.
/// </summary>
internal static partial class OpenLoop
{
    [LibraryImport("libc", EntryPoint = "usleep")]
    private static partial int USleep(uint microseconds);

    public static async Task<OpenLoopResult> RunAsync(string url, IReadOnlyList<string> bodies, IReadOnlyDictionary<string, string> headers, double rate, TimeSpan duration, int maxConnections)
    {
        var total = Math.Max(1, (int)(rate * duration.TotalSeconds));
        var payloads = bodies.Select(b => System.Text.Encoding.UTF8.GetBytes(b)).ToArray();
        using var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = maxConnections,
            UseProxy = false,
            AutomaticDecompression = DecompressionMethods.None,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
        };
        using var client = new HttpMessageInvoker(handler);
        var latency = new double[total];
        var service = new double[total];
        var lag = new double[total];
        Array.Fill(latency, double.NaN);
        var errors = 0L;
        var hits = 0L;
        var pending = new Task[total];
        var ticksPerRequest = Stopwatch.Frequency / rate;
        var uri = new Uri(url);

        async Task SendAsync(int i, long intended)
        {
            var sent = Stopwatch.GetTimestamp();
            lag[i] = Milliseconds(sent - intended);
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = new ByteArrayContent(payloads[i % payloads.Length]) };
                request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                foreach (var (k, v) in headers)
                    request.Headers.TryAddWithoutValidation(k, v);
                using var response = await client.SendAsync(request, CancellationToken.None);
                await response.Content.CopyToAsync(Stream.Null);
                var done = Stopwatch.GetTimestamp();
                if (!response.IsSuccessStatusCode)
                    Interlocked.Increment(ref errors);
                else if (response.Headers.TryGetValues("x-cache", out var cache) && cache.First() == "HIT")
                    Interlocked.Increment(ref hits);
                latency[i] = Milliseconds(done - intended);
                service[i] = Milliseconds(done - sent);
            }
            catch (Exception ex) when (ex is HttpRequestException or IOException or TaskCanceledException)
            {
                Interlocked.Increment(ref errors);
            }
        }

        var start = Stopwatch.GetTimestamp() + Stopwatch.Frequency / 20;
        await Task.Factory.StartNew(() =>
        {
            for (var i = 0; i < total; i++)
            {
                var intended = start + (long)(i * ticksPerRequest);
                var wait = Milliseconds(intended - Stopwatch.GetTimestamp());
                if (wait > 0.02)
                    USleep((uint)(wait * 1000));
                var index = i;
                var completion = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                pending[i] = completion.Task;
                ThreadPool.UnsafeQueueUserWorkItem(_ => SendAsync(index, intended).ContinueWith(_ => completion.SetResult(), TaskScheduler.Default), null);
            }
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        var scheduled = Milliseconds(Stopwatch.GetTimestamp() - start) / 1000;
        try { await Task.WhenAll(pending).WaitAsync(TimeSpan.FromSeconds(10)); }
        catch (TimeoutException) { } // unfinished requests count as timeouts below
        var elapsed = Milliseconds(Stopwatch.GetTimestamp() - start) / 1000;
        var completed = latency.Where(l => !double.IsNaN(l)).Order().ToArray();
        var served = service.Where(s => s > 0).Order().ToArray();
        var lags = lag.Order().ToArray();
        return new OpenLoopResult(rate, total, completed.Length, total / Math.Max(scheduled, 1e-9), completed.Length / Math.Max(elapsed, 1e-9),
            At(completed, 50), At(completed, 90), At(completed, 99), At(completed, 99.9), completed.Length > 0 ? completed[^1] : double.NaN,
            At(served, 50), At(served, 99), At(lags, 99), Interlocked.Read(ref errors), total - completed.Length - (int)Interlocked.Read(ref errors), Interlocked.Read(ref hits));
    }

    private static double Milliseconds(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;

    private static double At(double[] sorted, double percentile) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(percentile / 100 * sorted.Length) - 1, 0, sorted.Length - 1)];
}

/// <summary>
/// One open-loop run; latencies in milliseconds from the intended send time, service times from the actual send, and
/// the generator's own lateness in handing requests out (its p99: if it is large, the generator, not the server, was behind).
/// </summary>
internal sealed record OpenLoopResult(double TargetRate, int Scheduled, int Completed, double ScheduledRate, double CompletedRate,
    double P50, double P90, double P99, double P999, double Max, double ServiceP50, double ServiceP99, double SendLagP99, long Errors, long Unfinished, long Hits);
