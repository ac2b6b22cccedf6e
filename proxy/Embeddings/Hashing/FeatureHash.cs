using System.Runtime.CompilerServices;

namespace LlmGateway.Embeddings.Hashing;

/// <summary>
/// Deterministic 64-bit hashing of features (FNV-1a over UTF-16 units, finished with the SplitMix64 mixer).
/// Stable across processes and machines, unlike <see cref="string.GetHashCode()"/>, so vectors stored by one
/// gateway replica can be compared with vectors made by another.
/// </summary>
internal static class FeatureHash
{
    private const ulong Offset = 14695981039346656037UL;
    private const ulong Prime = 1099511628211UL;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Start(ulong seed) => Offset ^ (seed * 0x9E3779B97F4A7C15UL);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Add(ulong hash, char c) => (hash ^ c) * Prime;

    public static ulong Of(ReadOnlySpan<char> text, ulong seed)
    {
        var hash = Start(seed);
        foreach (var c in text)
        {
            hash = Add(hash, c);
        }

        return Finish(hash);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Combine(ulong first, ulong second, ulong seed) => Finish(first ^ (second * 0xC2B2AE3D27D4EB4FUL) ^ seed);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Finish(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
