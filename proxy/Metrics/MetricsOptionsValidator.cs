using Microsoft.Extensions.Options;

namespace LlmGateway.Metrics;

/// <summary>Validates <see cref="MetricsOptions"/>, listing every error with its key.</summary>
internal sealed class MetricsOptionsValidator : IValidateOptions<MetricsOptions>
{
    public ValidateOptionsResult Validate(string? name, MetricsOptions options)
    {
        var errors = Errors(options);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    public static List<string> Errors(MetricsOptions options)
    {
        const string key = MetricsOptions.Section;
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(options.Path) || options.Path[0] != '/' || options.Path.Contains('?') || options.Path.Contains('#'))
            errors.Add($"{key}:Path: '{options.Path}' is not a path (it must start with '/').");
        else if (options.Path.StartsWith("/v1", StringComparison.OrdinalIgnoreCase) || options.Path.StartsWith("/admin", StringComparison.OrdinalIgnoreCase))
            errors.Add($"{key}:Path: '{options.Path}' is taken by the gateway (/v1 and /admin are reserved).");
        if (options.Port is < 0 or > 65535)
            errors.Add($"{key}:Port: {options.Port} is not a TCP port (0-65535).");
        if (options.Port is not null && !System.Net.IPAddress.TryParse(options.Host, out _) && !string.Equals(options.Host, "localhost", StringComparison.OrdinalIgnoreCase))
            errors.Add($"{key}:Host: '{options.Host}' is not an IP address or 'localhost'.");
        if (options.CardinalityLimit is < 10 or > 1_000_000)
            errors.Add($"{key}:CardinalityLimit: {options.CardinalityLimit} is out of range (10-1000000).");
        if (options.LatencySlo <= TimeSpan.Zero)
            errors.Add($"{key}:LatencySlo: must be positive.");
        var otlp = options.Otlp;
        if (otlp.Enabled)
        {
            if (!Uri.TryCreate(otlp.Endpoint, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
                errors.Add($"{key}:Otlp:Endpoint: '{otlp.Endpoint}' is not an absolute http(s) URL (needed when Otlp:Enabled is true).");
            if (otlp.Protocol is not ("grpc" or "http/protobuf"))
                errors.Add($"{key}:Otlp:Protocol: '{otlp.Protocol}' is not 'grpc' or 'http/protobuf'.");
            if (otlp.Interval < TimeSpan.FromMilliseconds(100))
                errors.Add($"{key}:Otlp:Interval: must be at least 100 ms.");
        }
        return errors;
    }
}
