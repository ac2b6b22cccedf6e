using System.Security.Cryptography;
using System.Text;

namespace LlmGateway.Auth;

/// <summary>Team keys: how they are made and how they are stored (SHA-256 hex, never the key itself).</summary>
internal static class TeamKeys
{
    private const string Prefix = "sk-gw-";

    public static string NewKey()
    {
        Span<byte> bytes = stackalloc byte[32];
        RandomNumberGenerator.Fill(bytes);
        return Prefix + Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    public static string Sha256Hex(ReadOnlySpan<char> key)
    {
        Span<byte> utf8 = key.Length <= 256 ? stackalloc byte[Encoding.UTF8.GetMaxByteCount(key.Length)] : new byte[Encoding.UTF8.GetMaxByteCount(key.Length)];
        var length = Encoding.UTF8.GetBytes(key, utf8);
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(utf8[..length], hash);
        return Convert.ToHexStringLower(hash);
    }

    /// <summary>A short, non-secret id for a key (the digest's first 12 hex digits), for ledgers and logs.</summary>
    public static string KeyId(string sha256Hex) => sha256Hex[..12];
}
