using System.Reflection;
using Microsoft.Extensions.Options;

namespace LlmGateway.Gateway;

/// <summary>
/// Collects the configuration errors of the whole gateway at once: the <c>Gateway</c> section (providers,
/// models, teams, prices) and every options class validated at startup (cache, embeddings, vector index,
/// metrics, accounting), so a user fixes them in one go instead of one section per restart.
/// </summary>
internal static class StartupValidation
{
    public static List<string> Errors(IServiceProvider services)
    {
        var errors = new List<string>();
        try
        {
            services.GetRequiredService<GatewayConfigStore>();
        }
        catch (GatewayConfigException ex)
        {
            errors.AddRange(ex.Errors);
        }
        try
        {
            services.GetService<IStartupValidator>()?.Validate();
        }
        catch (Exception ex) when (ex is OptionsValidationException or AggregateException or InvalidOperationException or GatewayConfigException or TargetInvocationException)
        {
            errors.AddRange(Messages(ex));
        }
        return errors;
    }

    private static IEnumerable<string> Messages(Exception ex) => ex switch
    {
        OptionsValidationException validation => validation.Failures,
        GatewayConfigException => [], // already listed from the Gateway section
        TargetInvocationException { InnerException: { } inner } => Messages(inner),
        AggregateException aggregate => aggregate.InnerExceptions.SelectMany(Messages),
        _ => [ex.Message],
    };
}
