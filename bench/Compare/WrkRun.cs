using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace LlmGateway.Bench.Compare;

/// <summary>One wrk run against one system: a generated Lua script sets the POST body (fixed or unique per request) and writes the results as JSON.</summary>
internal static class WrkRun
{
    public static string? Binary() => new[] { "/usr/bin/wrk", "/usr/local/bin/wrk" }.FirstOrDefault(File.Exists);

    public static async Task<WrkResult> RunAsync(string wrk, CompareSystem system, int connections, TimeSpan duration, string tag)
    {
        var folder = Path.Combine(Path.GetTempPath(), $"llmgw-wrk-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        try
        {
            var output = Path.Combine(folder, "result.json");
            var script = Path.Combine(folder, "script.lua");
            File.WriteAllText(script, Script(system, output, tag));
            var threads = Math.Min(2, connections);
            var info = new ProcessStartInfo(wrk, $"-t{threads} -c{connections} -d{duration.TotalSeconds:0}s --timeout 5s -s {script} {system.Url}")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            using var process = Process.Start(info)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            if (process.ExitCode != 0 || !File.Exists(output))
                throw new InvalidOperationException($"wrk failed ({process.ExitCode}) on {system.Name}: {await stdout} {await stderr}");
            using var json = JsonDocument.Parse(File.ReadAllText(output));
            var r = json.RootElement;
            return new WrkResult(
                r.GetProperty("requests").GetInt64(),
                r.GetProperty("duration_us").GetInt64() / 1e6,
                r.GetProperty("errors").GetInt64(),
                r.GetProperty("read").GetInt64(),
                r.GetProperty("shed").GetInt64(),
                r.GetProperty("p50").GetDouble() / 1000,
                r.GetProperty("p90").GetDouble() / 1000,
                r.GetProperty("p99").GetDouble() / 1000) { Hits = r.GetProperty("hits").GetInt64(), Mean = r.GetProperty("mean").GetDouble() / 1000 };
        }
        finally
        {
            try { Directory.Delete(folder, true); } catch (IOException) { }
        }
    }

    /// <summary>
    /// The Lua script. A unique body is the fixed body's question with a per-thread, per-request number inserted, so
    /// every request is a cache miss. <c>done</c> runs once after all threads and writes the summary.
    /// </summary>
    private static string Script(CompareSystem system, string output, string tag)
    {
        var headers = string.Join("\n", system.Headers.Select(h => $"wrk.headers[ [==[{h.Key}]==] ] = [==[{h.Value}]==]"));
        var request = system.Unique
            ? $$"""
              local counter = 0
              request = function()
                counter = counter + 1
                local body = string.gsub(wrk.body, "QUESTION", "Question {{tag}}-" .. tostring(tid) .. "-" .. tostring(counter) .. ": how do I rotate the keys of my project?")
                return wrk.format(nil, nil, nil, body)
              end
              """
            : system.BodiesFile is not null
            ? $$"""
              local bodies = {}
              local position = 0
              init = function(args)
                for line in io.lines([==[{{system.BodiesFile}}]==]) do bodies[#bodies + 1] = line end
                position = ((tid or 1) - 1) * 7919 % #bodies
              end
              request = function()
                position = position % #bodies + 1
                return wrk.format(nil, nil, nil, bodies[position])
              end
              """
            : "";
        // Counting 503s needs a response() callback, which makes wrk parse every response's headers: only where asked.
        var shed = system.CountShed || system.CountHits
            ? "response = function(status, headers, body) if status == 503 then shed = shed + 1 end if headers[\"x-cache\"] == \"HIT\" then hits = hits + 1 end end"
            : "";
        return $$"""
            wrk.method = "{{system.Method}}"
            wrk.body = {{(system.Method == "POST" ? $"[==[{system.Body}]==]" : "nil")}}
            wrk.headers["Content-Type"] = "application/json"
            {{headers}}
            {{(system.CloseConnection ? "wrk.headers[\"Connection\"] = \"close\"" : "")}}
            local threads = {}
            setup = function(thread) table.insert(threads, thread); thread:set("tid", #threads) end
            shed = 0
            hits = 0
            {{request}}
            {{shed}}
            done = function(summary, latency, requests)
              local e = summary.errors
              local sheds = 0
              local hitCount = 0
              for _, t in ipairs(threads) do sheds = sheds + (t:get("shed") or 0); hitCount = hitCount + (t:get("hits") or 0) end
              local f = io.open([==[{{output}}]==], "w")
              f:write(string.format('{"requests":%d,"duration_us":%d,"errors":%d,"read":%d,"shed":%d,"hits":%d,"mean":%f,"p50":%d,"p90":%d,"p99":%d}',
                summary.requests, summary.duration, e.connect + e.write + e.status + e.timeout, e.read, sheds, hitCount,
                latency.mean, latency:percentile(50), latency:percentile(90), latency:percentile(99)))
              f:close()
            end
            """.Replace("\r", "", StringComparison.Ordinal);
    }
}

/// <summary>What wrk measured in one run; latencies in milliseconds.</summary>
/// <remarks>
/// <see cref="ReadErrors"/> are connections the server closed without saying so in the response (Portkey under
/// <c>Connection: close</c>): wrk reconnects, the request was answered; <see cref="Errors"/> are non-2xx answers,
/// timeouts and failed connects or writes; <see cref="Shed"/> the 503s among them, counted only when the system asks.
/// </remarks>
internal sealed record WrkResult(long Requests, double Seconds, long Errors, long ReadErrors, long Shed, double P50, double P90, double P99)
{
    /// <summary>Answers with <c>x-cache: HIT</c>, counted only when the system asks (<see cref="CompareSystem.CountHits"/>).</summary>
    public long Hits { get; init; }

    /// <summary>Mean latency in milliseconds (the overhead check compares means: a histogram's sum ÷ count is a mean).</summary>
    public double Mean { get; init; }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Requests / Seconds:0} req/s p50 {P50:0.000} ms errors {Errors}");
}
