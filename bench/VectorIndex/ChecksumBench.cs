using System.Diagnostics;
using System.IO.Hashing;
using System.Security.Cryptography;

namespace LlmGateway.Bench.VectorIndex;

/// <summary>Why the snapshot uses CRC-32C: its throughput next to the BCL's SHA-256 on the same buffer.</summary>
internal static class ChecksumBench
{
    public static void Run()
    {
        var buffer = new byte[256 << 20];
        new Random(1).NextBytes(buffer);
        Crc32.HashToUInt32(Crc32ParameterSet.Crc32C, buffer.AsSpan(0, 1 << 20));
        SHA256.HashData(buffer.AsSpan(0, 1 << 20));
        var sw = Stopwatch.StartNew();
        var crc = Crc32.HashToUInt32(Crc32ParameterSet.Crc32C, buffer);
        var crcSeconds = sw.Elapsed.TotalSeconds;
        sw.Restart();
        var sha = SHA256.HashData(buffer);
        var shaSeconds = sw.Elapsed.TotalSeconds;
        Console.WriteLine($"checksum over 256 MiB: CRC-32C (System.IO.Hashing) {256 / 1024.0 / crcSeconds:F2} GiB/s (crc {crc:X8}), SHA-256 {256 / 1024.0 / shaSeconds:F2} GiB/s (first byte {sha[0]:X2}); for a 1.6 GiB snapshot: {1.6 / (256 / 1024.0 / crcSeconds):F2} s vs {1.6 / (256 / 1024.0 / shaSeconds):F2} s");
    }
}
