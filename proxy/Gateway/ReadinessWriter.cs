using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace LlmGateway.Gateway;

/// <summary>
/// The body of <c>/readyz</c>: "Healthy" when ready (what probes and tests read), else one line per failing
/// component with its description, so an SRE sees which store fails without reading the logs.
/// </summary>
internal static class ReadinessWriter
{
    public static Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "text/plain; charset=utf-8";
        if (report.Status == HealthStatus.Healthy)
            return context.Response.WriteAsync(report.Status.ToString());
        var lines = report.Entries.Where(e => e.Value.Status != HealthStatus.Healthy)
            .Select(e => $"{e.Key}: {e.Value.Status}: {e.Value.Description ?? e.Value.Exception?.Message}");
        return context.Response.WriteAsync($"{report.Status}\n{string.Join('\n', lines)}\n");
    }
}
