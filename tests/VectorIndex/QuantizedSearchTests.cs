using System.Numerics.Tensors;
using LlmGateway.VectorIndex;
using Xunit.Abstractions;

namespace LlmGateway.Tests.VectorIndex;

/// <summary>Searches that walk the graph on int8 codes and re-rank on the float vectors.</summary>
public sealed class QuantizedSearchTests(ITestOutputHelper output)
{
    private const int Dimension = 64;

    [Fact]
    public void Int8_dot_product_equals_the_scalar_sum_for_every_length()
    {
        var random = new Random(11);
        foreach (var length in Enumerable.Range(1, 70).Concat([383, 384, 385, 1024]))
        {
            var a = new sbyte[length];
            var b = new sbyte[length];
            for (var i = 0; i < length; i++)
            {
                a[i] = (sbyte)random.Next(-127, 128);
                b[i] = (sbyte)random.Next(-127, 128);
            }

            var expected = 0;
            for (var i = 0; i < length; i++)
            {
                expected += a[i] * b[i];
            }

            Assert.Equal(expected, Int8Codes.Dot(a, b));
        }

        // The extreme: every product at its maximum, at the largest dimension the index accepts.
        var full = Enumerable.Repeat((sbyte)-127, 8192).ToArray();
        Assert.Equal(8192 * 127 * 127, Int8Codes.Dot(full, full));
    }

    [Theory]
    [InlineData(0.4f)]
    [InlineData(-0.4f)]
    public void Encoding_maps_the_largest_magnitude_to_127_whatever_its_sign(float largest)
    {
        float[] vector = [0.1f, largest, -0.05f, 0.2f, 0f];
        var codes = new sbyte[vector.Length];

        var scale = Int8Codes.Encode(vector, codes);

        Assert.Equal(0.4f / 127f, scale, 1e-7f);
        Assert.Equal(largest > 0 ? 127 : -127, codes[1]);
        for (var i = 0; i < vector.Length; i++)
        {
            Assert.InRange(vector[i] - (codes[i] * scale), -scale / 2, scale / 2);
        }
    }

    [Theory]
    [InlineData("uniform")]
    [InlineData("clustered")]
    public void Recall_matches_the_float_walk_and_similarities_are_the_exact_cosines(string kind)
    {
        var data = kind == "uniform" ? TestVectors.Uniform(5_000, Dimension, seed: 1) : TestVectors.Clustered(5_000, Dimension, clusters: 50, seed: 1);
        var queries = kind == "uniform" ? TestVectors.Uniform(200, Dimension, seed: 2) : TestVectors.Clustered(200, Dimension, clusters: 50, seed: 1_000_001);
        var live = data.Select((v, i) => ((long)i, v)).ToArray();
        var index = Build(data);
        Assert.True(index.QuantizedSearch);

        var (floatRecall1, floatRecall10) = HnswIndexRecallTests.MeasureRecall(HnswIndexRecallTests.Build(data), live, queries, efSearch: 64);
        var (recall1, recall10) = HnswIndexRecallTests.MeasureRecall(index, live, queries, efSearch: 64);

        output.WriteLine($"{kind} n=5000 dim={Dimension} ef=64: float walk recall@1 {floatRecall1:F3} @10 {floatRecall10:F3}; int8 walk recall@1 {recall1:F3} @10 {recall10:F3}");
        Assert.True(recall1 >= floatRecall1 - 0.02, $"int8 walk recall@1 {recall1:F3} vs float walk {floatRecall1:F3}");
        Assert.True(recall10 >= floatRecall10 - 0.02, $"int8 walk recall@10 {recall10:F3} vs float walk {floatRecall10:F3}");
        Assert.True(recall10 >= 0.85, $"int8 walk recall@10 {recall10:F3}");
        foreach (var query in queries.Take(20))
        {
            var found = index.Search(query, 10, efSearch: 64);
            Assert.Equal(found.OrderByDescending(x => x.Similarity).ToArray(), found);
            foreach (var match in found)
            {
                // Re-ranked on the floats: the code's error (≈ 1e-3) would show here.
                Assert.Equal(TensorPrimitives.Dot(query, data[match.Id]), match.Similarity, 1e-6f);
            }
        }
    }

    [Fact]
    public void Codes_survive_snapshot_load_and_compaction()
    {
        var data = TestVectors.Clustered(3_000, Dimension, clusters: 30, seed: 3);
        var queries = TestVectors.Clustered(50, Dimension, clusters: 30, seed: 4);
        var index = Build(data);
        for (var id = 0; id < data.Length; id += 3)
        {
            index.Delete(id);
        }

        using var stream = new MemoryStream();
        index.SaveSnapshot(stream);
        stream.Position = 0;
        Assert.True(HnswIndex.TryLoadSnapshot(stream, out var loaded, out var reason, quantizedSearch: true), reason);
        Assert.True(loaded!.QuantizedSearch);
        foreach (var query in queries)
        {
            Assert.Equal(index.Search(query, 10), loaded.Search(query, 10));
        }

        var compacted = index.Compact();
        Assert.True(compacted.QuantizedSearch);
        var live = data.Select((v, i) => ((long)i, v)).Where(x => x.Item1 % 3 != 0).ToArray();
        var (_, recall10) = HnswIndexRecallTests.MeasureRecall(compacted, live, queries, efSearch: 64);
        Assert.True(recall10 >= 0.95, $"recall@10 after compaction {recall10:F3}");
    }

    [Fact]
    public void Quantized_search_costs_the_code_rows_in_memory()
    {
        var data = TestVectors.Uniform(1_000, Dimension, seed: 5);
        var plain = HnswIndexRecallTests.Build(data);
        var quantized = Build(data);

        // One code row per node: the dimension's codes and a float scale.
        Assert.Equal(plain.MemoryBytes() + (1024L * (Dimension + sizeof(float))), quantized.MemoryBytes());
    }

    private static HnswIndex Build(float[][] data)
    {
        var index = new HnswIndex(Dimension, 16, 64, efSearch: 64, seed: 42, data.Length, quantizedSearch: true);
        for (var i = 0; i < data.Length; i++)
        {
            index.Insert(i, data[i]);
        }

        return index;
    }
}
