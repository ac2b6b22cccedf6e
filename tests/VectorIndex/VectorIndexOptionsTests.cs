using LlmGateway.VectorIndex;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace LlmGateway.Tests.VectorIndex;

public sealed class VectorIndexOptionsTests
{
    [Fact]
    public void Defaults_are_valid()
    {
        Assert.True(new VectorIndexOptionsValidator().Validate(null, new VectorIndexOptions()).Succeeded);
    }

    [Fact]
    public void Every_invalid_value_is_listed_with_its_key()
    {
        var options = new VectorIndexOptions { Dimension = 0, M = 1, EfConstruction = 0, EfSearch = 0, FlatScanBelow = -1, CompactTombstoneFraction = 0 };

        var result = new VectorIndexOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        var failures = result.Failures!.ToList();
        Assert.Equal(6, failures.Count);
        foreach (var key in new[] { "Dimension", "M", "EfConstruction", "EfSearch", "FlatScanBelow", "CompactTombstoneFraction" })
        {
            Assert.Contains(failures, f => f.StartsWith($"Gateway:VectorIndex:{key} ", StringComparison.Ordinal));
        }
    }

    [Fact]
    public void Bound_from_configuration_and_bad_config_fails_at_startup_naming_the_key()
    {
        var good = Provider(new() { ["Gateway:VectorIndex:Dimension"] = "768", ["Gateway:VectorIndex:FlatScanBelow"] = "50", ["Gateway:VectorIndex:QuantizedSearch"] = "false" });
        var value = good.GetRequiredService<IOptions<VectorIndexOptions>>().Value;
        Assert.Equal(768, value.Dimension);
        Assert.False(value.QuantizedSearch);
        Assert.Equal(50, value.FlatScanBelow);
        Assert.Equal(16, value.M);

        var bad = Provider(new() { ["Gateway:VectorIndex:M"] = "1", ["Gateway:VectorIndex:CompactTombstoneFraction"] = "1.5" });
        var error = Assert.Throws<OptionsValidationException>(() => bad.GetRequiredService<IOptions<VectorIndexOptions>>().Value);
        Assert.Contains("Gateway:VectorIndex:M ", error.Message);
        Assert.Contains("Gateway:VectorIndex:CompactTombstoneFraction", error.Message);
    }

    [Fact]
    public void The_index_refuses_invalid_options()
    {
        var error = Assert.Throws<ArgumentException>(() => new PartitionedVectorIndex(new VectorIndexOptions { Dimension = -3 }));
        Assert.Contains("Gateway:VectorIndex:Dimension", error.Message);
    }

    private static ServiceProvider Provider(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        return new ServiceCollection().AddVectorIndexOptions(configuration).BuildServiceProvider();
    }
}
