using System.Globalization;
using System.Text;

namespace LlmGateway.Metrics.Dashboard;

/// <summary>
/// What one dashboard chart shows: one x label per point and its series. The same object is drawn as SVG
/// (<see cref="SvgChart"/>) and downloaded as CSV (<see cref="Csv"/>), so the download is exactly what the chart shows.
/// </summary>
internal sealed record ChartData(string Id, string Title, ChartUnit Unit, IReadOnlyList<string> X, IReadOnlyList<ChartSeries> Series)
{
    /// <summary>Optional per-point details for hover titles (e.g. tokens beside dollars), indexed like <see cref="X"/>.</summary>
    public IReadOnlyList<string>? Notes { get; init; }

    /// <summary>Stated under the chart: what a point means and where it comes from.</summary>
    public string Caption { get; init; } = "";

    public bool IsEmpty => Series.All(s => s.Values.All(v => double.IsNaN(v) || v == 0));

    public string Csv()
    {
        var csv = new StringBuilder("x");
        foreach (var s in Series)
            csv.Append(',').Append(Field(s.Name + (Unit == ChartUnit.Usd ? " (usd)" : Unit == ChartUnit.Seconds ? " (s)" : "")));
        csv.Append('\n');
        for (var i = 0; i < X.Count; i++)
        {
            csv.Append(Field(X[i]));
            foreach (var s in Series)
                csv.Append(',').Append(double.IsNaN(s.Values[i]) ? "" : s.Values[i].ToString("0.############", CultureInfo.InvariantCulture));
            csv.Append('\n');
        }
        return csv.ToString();
    }

    private static string Field(string value) =>
        value.AsSpan().IndexOfAny(",\"\n\r") >= 0 ? "\"" + value.Replace("\"", "\"\"") + "\"" : value;
}

/// <summary>One named series; NaN where there is no value (no requests in an interval).</summary>
internal sealed record ChartSeries(string Name, double[] Values, ChartSeriesKind Kind, string Color);

internal enum ChartSeriesKind
{
    /// <summary>Stacked with the other bar series.</summary>
    Bar,
    Line,
    /// <summary>A reference line: budget, SLO.</summary>
    Dashed,
}

internal enum ChartUnit
{
    Usd,
    PerSecond,
    Ratio,
    Seconds,
}
