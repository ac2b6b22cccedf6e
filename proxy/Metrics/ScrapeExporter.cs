using OpenTelemetry;
using OpenTelemetry.Metrics;

namespace LlmGateway.Metrics;

/// <summary>
/// The pull side of <see cref="MetricsPipeline"/>: OpenTelemetry calls <see cref="Export"/> synchronously from
/// <c>MetricReader.Collect</c>, and the exporter hands the batch to whoever asked for the collection.
/// Exports nobody asked for (e.g. the final one at shutdown) are ignored.
/// </summary>
internal sealed class ScrapeExporter : BaseExporter<Metric>
{
    private readonly List<Metric> _batch = [];

    /// <summary>Set by the pipeline around one <c>Collect</c> call, under its lock.</summary>
    public Action<IReadOnlyList<Metric>>? Visitor { get; set; }

    /// <summary>What the visitor threw (OpenTelemetry would swallow it); the pipeline rethrows it.</summary>
    public Exception? VisitorError { get; set; }

    public override ExportResult Export(in Batch<Metric> batch)
    {
        var visitor = Visitor;
        if (visitor is null)
            return ExportResult.Success;
        _batch.Clear();
        foreach (var metric in batch)
            _batch.Add(metric);
        try
        {
            visitor(_batch);
            return ExportResult.Success;
        }
        catch (Exception ex)
        {
            VisitorError = ex;
            return ExportResult.Failure;
        }
        finally
        {
            _batch.Clear();
        }
    }
}
