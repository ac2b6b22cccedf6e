namespace LlmGateway.Admin;

/// <summary><c>Gateway:Admin</c>: who may call the admin API and see the built-in dashboard.</summary>
public sealed record AdminOptions
{
    /// <summary>SHA-256 hex digests of admin keys (create one with <c>LlmGateway keys new</c>). Empty: the admin API answers 401 to everyone.</summary>
    public List<string> KeySha256 { get; init; } = [];
}
