using System.Globalization;
using System.Text;

namespace LlmGateway.Tests.Metrics;

/// <summary>
/// A strict parser of the Prometheus text format 0.0.4, written for the tests: it rejects what the format does not
/// allow (a sample before its TYPE, a TYPE twice, a bad escape, a bad number), so parsing back is itself a check.
/// </summary>
public sealed class PrometheusText
{
    private PrometheusText(Dictionary<string, Family> families) => Families = families;

    public IReadOnlyDictionary<string, Family> Families { get; }

    public sealed record Sample(string Name, IReadOnlyDictionary<string, string> Labels, double Value)
    {
        public string this[string label] => Labels.TryGetValue(label, out var v) ? v : "";
    }

    public sealed class Family(string name)
    {
        public string Name { get; } = name;
        public string? Help { get; set; }
        public string? Type { get; set; }
        public List<Sample> Samples { get; } = [];
    }

    /// <summary>Samples named exactly <paramref name="sampleName"/> whose labels include all of <paramref name="labels"/>.</summary>
    public IEnumerable<Sample> Find(string sampleName, params (string Label, string Value)[] labels) =>
        Families.Values.SelectMany(f => f.Samples)
            .Where(s => s.Name == sampleName && labels.All(l => s[l.Label] == l.Value));

    /// <summary>Sum of the matching samples; 0 when none.</summary>
    public double Sum(string sampleName, params (string Label, string Value)[] labels) => Find(sampleName, labels).Sum(s => s.Value);

    public static PrometheusText Parse(string text)
    {
        var families = new Dictionary<string, Family>(StringComparer.Ordinal);
        var lineNumber = 0;
        foreach (var raw in text.Split('\n'))
        {
            lineNumber++;
            var line = raw;
            if (line.Length == 0)
                continue;
            if (line.StartsWith("# HELP ", StringComparison.Ordinal) || line.StartsWith("# TYPE ", StringComparison.Ordinal))
            {
                var rest = line[7..];
                var space = rest.IndexOf(' ');
                if (space <= 0)
                    throw Fail(lineNumber, "HELP/TYPE without a name and text");
                var name = rest[..space];
                CheckMetricName(name, lineNumber);
                if (!families.TryGetValue(name, out var family))
                    families[name] = family = new Family(name);
                if (line[2] == 'H')
                {
                    if (family.Help is not null)
                        throw Fail(lineNumber, $"second HELP for {name}");
                    family.Help = rest[(space + 1)..];
                }
                else
                {
                    if (family.Type is not null)
                        throw Fail(lineNumber, $"second TYPE for {name}");
                    if (family.Samples.Count > 0)
                        throw Fail(lineNumber, $"TYPE after samples of {name}");
                    family.Type = rest[(space + 1)..];
                    if (family.Type is not ("counter" or "gauge" or "histogram" or "summary" or "untyped"))
                        throw Fail(lineNumber, $"unknown type {family.Type}");
                }
                continue;
            }
            if (line.StartsWith('#'))
                continue;
            var sample = ParseSample(line, lineNumber);
            var owner = families.Values.FirstOrDefault(f => f.Type == "histogram"
                    ? sample.Name == f.Name + "_bucket" || sample.Name == f.Name + "_sum" || sample.Name == f.Name + "_count"
                    : sample.Name == f.Name)
                ?? throw Fail(lineNumber, $"sample {sample.Name} without a TYPE line before it");
            owner.Samples.Add(sample);
        }
        if (!text.EndsWith('\n'))
            throw Fail(lineNumber, "the last line does not end with a line feed");
        return new PrometheusText(families);
    }

    private static Sample ParseSample(string line, int lineNumber)
    {
        var i = 0;
        while (i < line.Length && line[i] != '{' && line[i] != ' ')
            i++;
        var name = line[..i];
        CheckMetricName(name, lineNumber);
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (i < line.Length && line[i] == '{')
        {
            i++;
            while (line[i] != '}')
            {
                var eq = line.IndexOf('=', i);
                var labelName = line[i..eq];
                if (labelName.Length == 0 || !(char.IsAsciiLetter(labelName[0]) || labelName[0] == '_') || !labelName.All(c => char.IsAsciiLetterOrDigit(c) || c == '_'))
                    throw Fail(lineNumber, $"bad label name '{labelName}'");
                if (line[eq + 1] != '"')
                    throw Fail(lineNumber, "label value not quoted");
                var value = new StringBuilder();
                var j = eq + 2;
                for (; line[j] != '"'; j++)
                {
                    if (line[j] != '\\')
                    {
                        value.Append(line[j]);
                        continue;
                    }
                    j++;
                    value.Append(line[j] switch
                    {
                        '\\' => '\\',
                        '"' => '"',
                        'n' => '\n',
                        _ => throw Fail(lineNumber, $"bad escape \\{line[j]}"),
                    });
                }
                if (!labels.TryAdd(labelName, value.ToString()))
                    throw Fail(lineNumber, $"label {labelName} twice");
                i = j + 1;
                if (line[i] == ',')
                    i++;
                else if (line[i] != '}')
                    throw Fail(lineNumber, "expected ',' or '}' after a label");
            }
            i++;
        }
        if (i >= line.Length || line[i] != ' ')
            throw Fail(lineNumber, "no space before the value");
        var parts = line[(i + 1)..].Split(' ');
        if (parts.Length is < 1 or > 2)
            throw Fail(lineNumber, "expected a value and an optional timestamp");
        return new Sample(name, labels, ParseValue(parts[0], lineNumber));
    }

    public static double ParseValue(string s, int lineNumber = 0) => s switch
    {
        "+Inf" => double.PositiveInfinity,
        "-Inf" => double.NegativeInfinity,
        "NaN" => double.NaN,
        _ => double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : throw Fail(lineNumber, $"bad number '{s}'"),
    };

    private static void CheckMetricName(string name, int lineNumber)
    {
        if (name.Length == 0 || !(char.IsAsciiLetter(name[0]) || name[0] is '_' or ':') || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or ':'))
            throw Fail(lineNumber, $"bad metric name '{name}'");
    }

    private static FormatException Fail(int line, string message) => new($"line {line}: {message}");
}
