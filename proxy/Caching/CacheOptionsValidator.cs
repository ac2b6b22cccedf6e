using LlmGateway.Caching.Verified;
using Microsoft.Extensions.Options;

namespace LlmGateway.Caching;

/// <summary>
/// Validates <see cref="CacheOptions"/>. The configuration (which holds the environment) resolves the judge's key variable,
/// and, when the judge goes through this gateway, tells whether its model is one the gateway routes.
/// </summary>
internal sealed class CacheOptionsValidator(IConfiguration configuration) : IValidateOptions<CacheOptions>
{
    public ValidateOptionsResult Validate(string? name, CacheOptions options)
    {
        var errors = options.Validate(variable => configuration[variable]).ToList();
        if (options.Judge is { Enabled: true, BaseUrl: null, Model: { } model } && !Routed(model))
            errors.Add($"{JudgeOptions.Section}:Model: '{model}' is not a model (or alias) under Gateway:Models.");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private bool Routed(string model) => configuration.GetSection("Gateway:Models").GetChildren().Any(m =>
        string.Equals(m.Key, model, StringComparison.OrdinalIgnoreCase)
        || m.GetSection("Aliases").GetChildren().Any(a => string.Equals(a.Value, model, StringComparison.OrdinalIgnoreCase)));
}
