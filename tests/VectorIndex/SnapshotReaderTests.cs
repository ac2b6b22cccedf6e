using System.IO.Hashing;
using LlmGateway.VectorIndex;

namespace LlmGateway.Tests.VectorIndex;

public sealed class SnapshotReaderTests : IDisposable
{
    private readonly string _path = Path.Combine(Directory.CreateTempSubdirectory("snapshot-reader-").FullName, "data.bin");

    public void Dispose() => Directory.Delete(Path.GetDirectoryName(_path)!, recursive: true);

    [Fact]
    public void Regions_read_by_several_threads_give_the_same_bytes_crc_and_position_as_one_thread()
    {
        var data = new byte[3_000_017];
        new Random(9).NextBytes(data);
        File.WriteAllBytes(_path, data);
        int[] lengths = [1, 700_000, 13, 1_048_576, 999_999, 4_096, 100_000];

        var (sequentialRegions, sequentialCrc, sequentialTail) = Read(parallelBytes: long.MaxValue);
        var (parallelRegions, parallelCrc, parallelTail) = Read(parallelBytes: 1);

        Assert.Equal(sequentialCrc, parallelCrc);
        Assert.Equal(sequentialTail, parallelTail);
        for (var i = 0; i < lengths.Length; i++)
        {
            Assert.Equal(sequentialRegions[i], parallelRegions[i]);
        }

        Assert.Equal(data.AsSpan(4 + lengths[0], lengths[1]).ToArray(), parallelRegions[1]);
        Assert.Equal(Crc32.HashToUInt32(Crc32ParameterSet.Crc32C, data.AsSpan(0, 4 + lengths.Sum() + 8)), parallelCrc);

        (byte[][] Regions, uint Crc, long Tail) Read(long parallelBytes)
        {
            using var stream = new FileStream(_path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
            var reader = new SnapshotReader(stream, stream.Length, parallelBytes);
            reader.ReadInt32(); // an odd start, and bytes already in the stream's buffer
            var regions = lengths.Select(n => new byte[n]).ToArray();
            reader.ReadRegions(regions.Length, i => regions[i]);
            var tail = reader.ReadInt64(); // the stream continues right after the regions
            Assert.Equal(4 + lengths.Sum() + 8, reader.Position);
            return (regions, reader.Crc, tail);
        }
    }

    [Fact]
    public void Regions_beyond_the_end_of_the_file_are_reported_as_truncation()
    {
        File.WriteAllBytes(_path, new byte[1_000]);
        using var stream = new FileStream(_path, FileMode.Open, FileAccess.Read);
        var reader = new SnapshotReader(stream, stream.Length, parallelBytes: 1);
        var regions = new[] { new byte[600], new byte[600] };

        var error = Assert.Throws<EndOfStreamException>(() => reader.ReadRegions(2, i => regions[i]));

        Assert.StartsWith("snapshot is truncated", error.Message);
    }
}
