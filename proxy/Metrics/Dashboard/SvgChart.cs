using System.Globalization;
using System.Net;
using System.Text;

namespace LlmGateway.Metrics.Dashboard;

/// <summary>
/// Draws a <see cref="ChartData"/> as inline SVG on the server: stacked bars, lines, dashed reference lines, a y axis
/// with round ticks, a legend. No script and no external asset, so the page works offline and in one request.
/// </summary>
internal static class SvgChart
{
    private const int Width = 560, Height = 200, Left = 64, Right = 12, Top = 12, Bottom = 28;
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static void Render(StringBuilder html, ChartData chart)
    {
        var plotWidth = Width - Left - Right;
        var plotHeight = Height - Top - Bottom;
        var n = chart.X.Count;
        var max = Max(chart);
        var (tickStep, top) = NiceScale(max);
        double Y(double v) => Top + plotHeight - v / top * plotHeight;
        double Slot(int i) => Left + plotWidth * (i + 0.5) / Math.Max(1, n);

        html.Append("<svg class=\"chart\" id=\"chart-").Append(chart.Id).Append("\" viewBox=\"0 0 ").Append(Width).Append(' ').Append(Height)
            .Append("\" width=\"").Append(Width).Append("\" height=\"").Append(Height).Append("\" role=\"img\" aria-label=\"").Append(E(chart.Title)).Append("\">");
        for (var tick = 0.0; tick <= top * 1.0001; tick += tickStep)
        {
            html.Append("<line x1=\"").Append(Left).Append("\" x2=\"").Append(Width - Right).Append("\" y1=\"").Append(F(Y(tick))).Append("\" y2=\"").Append(F(Y(tick)))
                .Append("\" stroke=\"#eef0f4\"/><text x=\"").Append(Left - 6).Append("\" y=\"").Append(F(Y(tick) + 4)).Append("\" text-anchor=\"end\" class=\"tick\">")
                .Append(E(Format(tick, chart.Unit))).Append("</text>");
        }
        var labelEvery = Math.Max(1, (int)Math.Ceiling(n / 8.0));
        for (var i = 0; i < n; i += labelEvery)
            html.Append("<text x=\"").Append(F(Slot(i))).Append("\" y=\"").Append(Height - 8).Append("\" text-anchor=\"middle\" class=\"tick\">").Append(E(chart.X[i])).Append("</text>");

        var bars = chart.Series.Where(s => s.Kind == ChartSeriesKind.Bar).ToList();
        var barWidth = Math.Max(1, plotWidth / Math.Max(1, n) * 0.7);
        for (var i = 0; i < n; i++)
        {
            var stacked = 0.0;
            foreach (var s in bars)
            {
                var v = s.Values[i];
                if (double.IsNaN(v) || v <= 0)
                    continue;
                html.Append("<rect x=\"").Append(F(Slot(i) - barWidth / 2)).Append("\" y=\"").Append(F(Y(stacked + v))).Append("\" width=\"").Append(F(barWidth))
                    .Append("\" height=\"").Append(F(Math.Max(0.5, Y(stacked) - Y(stacked + v)))).Append("\" fill=\"").Append(s.Color).Append("\"><title>")
                    .Append(E($"{chart.X[i]} {s.Name}: {Format(v, chart.Unit)}{Note(chart, i)}")).Append("</title></rect>");
                stacked += v;
            }
        }
        foreach (var s in chart.Series.Where(s => s.Kind != ChartSeriesKind.Bar))
        {
            var path = new StringBuilder();
            for (var i = 0; i < n; i++)
            {
                if (double.IsNaN(s.Values[i]))
                    continue;
                // A gap (no requests in an interval) breaks the line rather than drawing through it.
                path.Append(path.Length == 0 || double.IsNaN(s.Values[i - 1]) ? 'M' : 'L').Append(F(Slot(i))).Append(',').Append(F(Y(s.Values[i])));
            }
            if (path.Length == 0)
                continue;
            html.Append("<path d=\"").Append(path).Append("\" fill=\"none\" stroke=\"").Append(s.Color).Append("\" stroke-width=\"2\"")
                .Append(s.Kind == ChartSeriesKind.Dashed ? " stroke-dasharray=\"6 4\"" : "").Append("><title>").Append(E(s.Name)).Append("</title></path>");
            if (n <= 60 && s.Kind == ChartSeriesKind.Line)
            {
                for (var i = 0; i < n; i++)
                {
                    if (!double.IsNaN(s.Values[i]))
                        html.Append("<circle cx=\"").Append(F(Slot(i))).Append("\" cy=\"").Append(F(Y(s.Values[i]))).Append("\" r=\"2.5\" fill=\"").Append(s.Color)
                            .Append("\"><title>").Append(E($"{chart.X[i]} {s.Name}: {Format(s.Values[i], chart.Unit)}{Note(chart, i)}")).Append("</title></circle>");
                }
            }
        }
        html.Append("<line x1=\"").Append(Left).Append("\" x2=\"").Append(Width - Right).Append("\" y1=\"").Append(F(Y(0))).Append("\" y2=\"").Append(F(Y(0))).Append("\" stroke=\"#98a2b3\"/>");
        html.Append("</svg><div class=\"legend\">");
        foreach (var s in chart.Series)
        {
            html.Append("<span><i style=\"background:").Append(s.Color).Append(s.Kind == ChartSeriesKind.Bar ? "" : ";height:3px").Append("\"></i>").Append(E(s.Name))
                .Append(s.Kind == ChartSeriesKind.Dashed ? " (dashed)" : "").Append("</span>");
        }
        html.Append("</div>");
    }

    /// <summary>The largest value drawn: the tallest stack or the highest line point.</summary>
    private static double Max(ChartData chart)
    {
        var max = 0.0;
        for (var i = 0; i < chart.X.Count; i++)
        {
            var stacked = chart.Series.Where(s => s.Kind == ChartSeriesKind.Bar && !double.IsNaN(s.Values[i])).Sum(s => Math.Max(0, s.Values[i]));
            max = Math.Max(max, stacked);
            foreach (var s in chart.Series.Where(s => s.Kind != ChartSeriesKind.Bar && !double.IsNaN(s.Values[i])))
                max = Math.Max(max, s.Values[i]);
        }
        return max;
    }

    /// <summary>A tick step of 1, 2 or 5 × 10^k giving about four ticks, and the axis top (a whole number of steps).</summary>
    internal static (double Step, double Top) NiceScale(double max)
    {
        if (!(max > 0))
            return (0.25, 1);
        var rough = max / 4;
        var magnitude = Math.Pow(10, Math.Floor(Math.Log10(rough)));
        var step = (rough / magnitude) switch { <= 1 => 1, <= 2 => 2, <= 5 => 5, _ => 10 } * magnitude;
        return (step, Math.Ceiling(max / step) * step);
    }

    private static string Format(double v, ChartUnit unit) => unit switch
    {
        ChartUnit.Usd => DashboardPage.Usd(v),
        ChartUnit.Ratio => DashboardPage.Percent(v),
        ChartUnit.Seconds => DashboardPage.Seconds(v),
        _ => v.ToString(v >= 10 ? "0" : v >= 1 ? "0.#" : "0.###", Invariant) + "/s",
    };

    private static string Note(ChartData chart, int i) => chart.Notes is { } notes && notes[i].Length > 0 ? " · " + notes[i] : "";

    private static string F(double v) => v.ToString("0.#", Invariant);

    private static string E(string s) => WebUtility.HtmlEncode(s);
}
