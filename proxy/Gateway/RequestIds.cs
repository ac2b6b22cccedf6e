namespace LlmGateway.Gateway;

internal static class RequestIds
{
    private const int MaxLength = 128;

    /// <summary>The client's id when it is short printable ASCII, else a new one.</summary>
    /// <remarks>
    /// A new id is 128 bits of <see cref="Random.Shared"/> (seeded from the OS once per process), not a
    /// <see cref="Guid.NewGuid"/>: ids are labels, not secrets (a client may send its own), and on Linux NewGuid asks the
    /// OS for cryptographic bytes on every call — 2–4 % of an exact hit's CPU in a profile (README, Performance).
    /// </remarks>
    public static string FromClientOrNew(string fromClient)
    {
        if (fromClient.Length is > 0 and <= MaxLength && fromClient.All(c => c is > ' ' and < (char)127))
            return fromClient;
        Span<byte> bits = stackalloc byte[16];
        Random.Shared.NextBytes(bits);
        return string.Concat("req_", Convert.ToHexStringLower(bits));
    }
}
