using Microsoft.Extensions.Options;

namespace LlmGateway.Caching;

/// <summary>Validates <see cref="CacheOptions"/>; the configuration (which holds the environment) resolves the judge's key variable.</summary>
internal sealed class CacheOptionsValidator(IConfiguration configuration) : IValidateOptions<CacheOptions>
{
    public ValidateOptionsResult Validate(string? name, CacheOptions options)
    {
        var errors = options.Validate(variable => configuration[variable]).ToList();
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
