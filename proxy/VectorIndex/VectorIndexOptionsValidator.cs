using Microsoft.Extensions.Options;

namespace LlmGateway.VectorIndex;

/// <summary>Collects every invalid <see cref="VectorIndexOptions"/> value, each naming its configuration key.</summary>
internal sealed class VectorIndexOptionsValidator : IValidateOptions<VectorIndexOptions>
{
    private const string Prefix = VectorIndexOptions.SectionName + ":";

    public ValidateOptionsResult Validate(string? name, VectorIndexOptions options)
    {
        var errors = new List<string>();
        if (options.Dimension is < 1 or > 8192)
        {
            errors.Add($"{Prefix}{nameof(options.Dimension)} must be between 1 and 8192 (was {options.Dimension}).");
        }

        if (options.M is < 2 or > 128)
        {
            errors.Add($"{Prefix}{nameof(options.M)} must be between 2 and 128 (was {options.M}).");
        }

        if (options.EfConstruction < Math.Max(options.M, 1) || options.EfConstruction > 4096)
        {
            errors.Add($"{Prefix}{nameof(options.EfConstruction)} must be between M ({options.M}) and 4096 (was {options.EfConstruction}).");
        }

        if (options.EfSearch is < 1 or > 4096)
        {
            errors.Add($"{Prefix}{nameof(options.EfSearch)} must be between 1 and 4096 (was {options.EfSearch}).");
        }

        if (options.FlatScanBelow is < 0 or > 1_000_000)
        {
            errors.Add($"{Prefix}{nameof(options.FlatScanBelow)} must be between 0 and 1000000 (was {options.FlatScanBelow}).");
        }

        if (!(options.CompactTombstoneFraction > 0 && options.CompactTombstoneFraction <= 1))
        {
            errors.Add($"{Prefix}{nameof(options.CompactTombstoneFraction)} must be in (0, 1] (was {options.CompactTombstoneFraction}).");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
