using System.Diagnostics;
using LlmGateway.Bench.Common;

namespace LlmGateway.Bench.Compare;

/// <summary>Starting, stopping and measuring the CPU of peer processes (nginx, node).</summary>
internal static class Peers
{
    public static async Task WaitHealthyAsync(Process process, string url, string name)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        for (var i = 0; i < 200; i++)
        {
            try
            {
                if ((await http.GetAsync(url)).IsSuccessStatusCode)
                    return;
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException) { }
            if (process.HasExited)
            {
                var detail = "";
                try { detail = await process.StandardError.ReadToEndAsync(); }
                catch (InvalidOperationException) { } // read asynchronously by its owner
                throw new InvalidOperationException($"{name} exited with {process.ExitCode}: {detail}");
            }
            await Task.Delay(100);
        }
        Stop(process);
        throw new TimeoutException($"{name} did not answer {url}");
    }

    public static void Stop(Process process)
    {
        if (!process.HasExited)
        {
            process.Kill(true);
            process.WaitForExit(5000);
        }
        process.Dispose();
    }

    /// <summary>CPU time of a process and its children (nginx's master and worker), from /proc.</summary>
    public static TimeSpan TreeCpuTime(int pid)
    {
        var total = ProcStatus.CpuTime(pid);
        var children = $"/proc/{pid}/task/{pid}/children";
        if (File.Exists(children))
        {
            foreach (var child in File.ReadAllText(children).Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                try { total += TreeCpuTime(int.Parse(child)); }
                catch (IOException) { } // exited in between
            }
        }
        return total;
    }
}
