namespace LlmGateway.Gateway;

/// <summary>Startup configuration errors, every one listed with the key that is wrong.</summary>
internal sealed class GatewayConfigException(IReadOnlyList<string> errors)
    : Exception("Invalid gateway configuration:" + Environment.NewLine + string.Join(Environment.NewLine, errors.Select(e => "  - " + e)))
{
    public IReadOnlyList<string> Errors { get; } = errors;
}
