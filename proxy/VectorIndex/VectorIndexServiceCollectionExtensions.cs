using Microsoft.Extensions.Options;

namespace LlmGateway.VectorIndex;

/// <summary>Registers the vector index options, bound from <c>Gateway:VectorIndex</c> and validated at startup.</summary>
internal static class VectorIndexServiceCollectionExtensions
{
    public static IServiceCollection AddVectorIndexOptions(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<IValidateOptions<VectorIndexOptions>, VectorIndexOptionsValidator>();
        services.AddOptions<VectorIndexOptions>()
            .Bind(configuration.GetSection(VectorIndexOptions.SectionName))
            .ValidateOnStart();
        return services;
    }
}
