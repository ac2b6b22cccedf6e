namespace LlmGateway.Admin;

/// <summary><c>Gateway:Admin</c>: who may call the admin API and see the built-in dashboard.</summary>
public sealed record AdminOptions
{
    /// <summary>SHA-256 hex digests of admin keys (create one with <c>LlmGateway keys new</c>). Empty: the admin API answers 401 to everyone.</summary>
    public List<string> KeySha256 { get; init; } = [];

    /// <summary>The problems of <c>Gateway:Admin</c>, one line each naming its key.</summary>
    internal IEnumerable<string> Validate()
    {
        for (var i = 0; i < KeySha256.Count; i++)
        {
            if (KeySha256[i] is not { Length: 64 } digest || !digest.All(Uri.IsHexDigit))
                yield return $"Gateway:Admin:KeySha256:{i}: not a SHA-256 hex digest (64 hex digits).";
        }
    }
}
