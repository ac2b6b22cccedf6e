using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using LlmGateway.Bench.Caching;
using LlmGateway.Bench.Common;
using LlmGateway.Guard;

namespace LlmGateway.Bench.Guard;

/// <summary>
/// The guard step, in one run: (1) microseconds per KB of prompt to inspect a parsed chat body with every category
/// on, against the same body with the team's guard off (what the step costs when it does nothing), for clean
/// prompts and for prompts full of values to redact; (2) the false-positive rate on ../shared/data, whose texts
/// contain none of the detected kinds, so every detection there is a false positive.
/// </summary>
internal static class GuardBench
{
    public static Command Command()
    {
        var sizes = BenchArgs.Integers("--sizes", [1024, 4096, 16384], "Prompt sizes in bytes (UTF-8), built from the shared data's sentences.");
        var iterations = BenchArgs.With("--iterations", 2000, "Inspections measured per size and mode.");
        var command = new Command("guard", "Guard step: µs per KB on vs off; false-positive rate on ../shared/data.") { sizes, iterations };
        command.SetAction(p => Run(p.GetValue(sizes)!, p.GetValue(iterations)));
        return command;
    }

    private static int Run(int[] sizes, int iterations)
    {
        var folder = QualityData.Folder();
        if (folder is null)
        {
            Console.WriteLine("# guard bench: ../shared/data not found (set LLMGW_DATA); nothing measured");
            return 1;
        }
        var texts = Texts(folder);
        Console.WriteLine($"# guard bench: {texts.Count} distinct texts from {folder}, {Environment.ProcessorCount} cores, load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]}");
        Speed(texts, sizes, iterations);
        FalsePositives(texts);
        return 0;
    }

    private static void Speed(List<string> texts, int[] sizes, int iterations)
    {
        var policies = new GuardPolicies();
        // Every built-in category plus a team pattern and keywords: the most the step can do.
        var on = new TeamGuardOptions { Default = "redact", Keywords = ["Project Falcon", "Blue Harbor"], Patterns = { ["code"] = @"\bPRJ-\d{4}\b" } };
        var off = new TeamGuardOptions { Default = "off" };
        const string Dirty = " Mail hanako.sato@example.co.jp or call 090-1234-5678, card 4111 1111 1111 1111, key AKIAIOSFODNN7EXAMPLE, 〒100-0001 東京都千代田区千代田1-1.";
        Console.WriteLine("| prompt | KB | step off p50 µs | step on p50 µs | on p50 µs/KB | on p90 µs/KB |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|");
        var random = new Random(19);
        // Warm up (tiered JIT) before anything is measured.
        foreach (var body in Enumerable.Range(0, 3000).Select(i => Body(texts, random, 2048, i % 2 == 0 ? Dirty : null)))
            GuardInspection.Run((JsonObject)JsonNode.Parse(body)!, policies.For(on, null)!, out _);
        foreach (var size in sizes)
        {
            foreach (var dirty in new[] { false, true })
            {
                var bodies = Enumerable.Range(0, iterations * 2).Select(_ => Body(texts, random, size, dirty ? Dirty : null)).ToList();
                var kb = bodies.Average(b => Encoding.UTF8.GetByteCount(b)) / 1024.0;
                var parsed = bodies.Select(b => (JsonObject)JsonNode.Parse(b)!).ToList();
                // Interleave on and off so that noise from the shared machine hits both alike.
                var onTimes = new List<double>(iterations);
                var offTimes = new List<double>(iterations);
                for (var i = 0; i < iterations * 2; i++)
                {
                    var body = parsed[i];
                    var start = Stopwatch.GetTimestamp();
                    if (i % 2 == 0)
                    {
                        if (policies.For(off, null) is { } policy)
                            GuardInspection.Run(body, policy, out _);
                        offTimes.Add(Stopwatch.GetElapsedTime(start).TotalMicroseconds);
                    }
                    else
                    {
                        if (policies.For(on, null) is { } policy)
                            GuardInspection.Run(body, policy, out _);
                        onTimes.Add(Stopwatch.GetElapsedTime(start).TotalMicroseconds);
                    }
                }
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {(dirty ? "with 6 values" : "clean")} | {kb:0.0} | {P(offTimes, 0.5):0.00} | {P(onTimes, 0.5):0.0} | {P(onTimes, 0.5) / kb:0.00} | {P(onTimes, 0.9) / kb:0.00} |"));
            }
        }
    }

    private static void FalsePositives(List<string> texts)
    {
        var policy = GuardPolicies.Build(new TeamGuardOptions { Default = "log" }, "");
        var perCategory = new int[GuardCategories.All.Length];
        var examples = GuardCategories.All.ToDictionary(c => c, _ => new List<string>());
        var flagged = 0;
        var findings = new List<Finding>();
        foreach (var text in texts)
        {
            policy.Detect(text, findings);
            if (findings.Count > 0)
                flagged++;
            foreach (var category in findings.Select(f => f.Category).Distinct())
            {
                perCategory[(int)category]++;
                if (examples[category].Count < 3)
                    examples[category].Add(findings.First(f => f.Category == category) is var f ? text.Substring(f.Start, f.Length) : "");
            }
        }
        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"false positives: {flagged} of {texts.Count} texts flagged ({100.0 * flagged / texts.Count:0.000} %)"));
        Console.WriteLine("| category | texts flagged | rate | examples |");
        Console.WriteLine("|---|---:|---:|---|");
        foreach (var category in GuardCategories.All.Where(c => c != GuardCategory.Custom))
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {GuardCategories.Label(category)} | {perCategory[(int)category]} | {100.0 * perCategory[(int)category] / texts.Count:0.000} % | {string.Join(" · ", examples[category].Select(e => "`" + e.Replace("|", "\\|") + "`"))} |"));
        }
    }

    private static string Body(List<string> texts, Random random, int size, string? dirty)
    {
        var prompt = new StringBuilder();
        while (Encoding.UTF8.GetByteCount(prompt.ToString()) < size)
        {
            prompt.Append(texts[random.Next(texts.Count)]).Append(' ');
            if (dirty is not null && prompt.Length > size / 4 && !prompt.ToString().Contains("AKIA", StringComparison.Ordinal))
                prompt.Append(dirty);
        }
        return JsonSerializer.Serialize(new { model = "gpt-4o-mini", messages = new object[] { new { role = "system", content = "You are a helpful assistant." }, new { role = "user", content = prompt.ToString() } } });
    }

    private static double P(List<double> values, double p)
    {
        var sorted = values.Order().ToList();
        return sorted[Math.Min(sorted.Count - 1, (int)(p * sorted.Count))];
    }

    /// <summary>Every distinct sentence of the shared sets (both sides of every pair; Japanese and English).</summary>
    private static List<string> Texts(string folder)
    {
        var texts = new HashSet<string>(StringComparer.Ordinal);
        foreach (var pair in QualityData.Qqp(folder).Concat(QualityData.Paws(folder, "en")).Concat(QualityData.Paws(folder, "ja")))
        {
            texts.Add(pair.A);
            texts.Add(pair.B);
        }
        foreach (var file in new[] { "train-v1.3.json", "valid-v1.3.json" })
        {
            foreach (var line in File.ReadLines(Path.Combine(folder, "jglue-jsts", file)))
            {
                var e = JsonDocument.Parse(line).RootElement;
                texts.Add(e.GetProperty("sentence1").GetString()!);
                texts.Add(e.GetProperty("sentence2").GetString()!);
            }
        }
        AddColumns(texts, Path.Combine(folder, "stsb", "sts-train.tsv"), 5, 6);
        AddColumns(texts, Path.Combine(folder, "stsb", "sts-dev.tsv"), 5, 6);
        AddColumns(texts, Path.Combine(folder, "mrpc", "msr_paraphrase_train.txt"), 3, 4);
        AddColumns(texts, Path.Combine(folder, "jsick", "train.tsv"), 2, 3, 8, 9);
        texts.RemoveWhere(string.IsNullOrWhiteSpace);
        return texts.ToList();
    }

    private static void AddColumns(HashSet<string> texts, string path, params int[] columns)
    {
        foreach (var line in File.ReadLines(path).Skip(1))
        {
            var fields = line.Split('\t');
            foreach (var c in columns.Where(c => c < fields.Length))
                texts.Add(fields[c]);
        }
    }
}
