using LlmGateway.Embeddings.Batching;
using LlmGateway.Embeddings.Hashing;
using LlmGateway.Embeddings.Onnx;
using LlmGateway.Embeddings.Packaged;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LlmGateway.Embeddings;

/// <summary>Registers the Embeddings capability.</summary>
public static class EmbeddingsServiceCollectionExtensions
{
    /// <summary>
    /// Binds <see cref="EmbeddingsOptions"/> from the <c>Gateway:Embeddings</c> section of
    /// <paramref name="configuration"/> (the root configuration), validates it at startup, and registers a
    /// singleton <see cref="ITextEmbedder"/>: the ONNX embedder (the built-in all-MiniLM-L6-v2 by default) behind the
    /// micro-batcher, or the hashing embedder. The embedder is built while the host starts, so a configured model that cannot be
    /// loaded stops startup with an <see cref="EmbeddingModelLoadException"/> that says why.
    /// </summary>
    public static IServiceCollection AddEmbeddings(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<EmbeddingsOptions>()
            .Bind(configuration.GetSection(EmbeddingsOptions.SectionName))
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<EmbeddingsOptions>, EmbeddingsOptionsValidator>());
        services.AddMetrics();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<EmbeddingsMetrics>();
        services.TryAddSingleton(Create);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, EmbeddingsStartup>());
        return services;
    }

    private static ITextEmbedder Create(IServiceProvider services)
    {
        var options = services.GetRequiredService<IOptions<EmbeddingsOptions>>().Value;
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger("LlmGateway.Embeddings");
        var metrics = services.GetRequiredService<EmbeddingsMetrics>();
        if (options.Provider == EmbeddingsProvider.Hashing)
        {
            var hashing = new HashingEmbedder(options.Dimension, metrics);
            EmbeddingsLog.HashingReady(logger, hashing.Dimension, hashing.ModelId);
            return hashing;
        }

        try
        {
            var started = TimeProvider.System.GetTimestamp();
            var settings = new OnnxSessionSettings(options.Threads);
            var onnx = options.ModelPath is { } path
                ? OnnxEmbedder.Load(path, options.Pooling ?? EmbeddingPooling.Mean, options.MaxTokens, settings)
                : OnnxEmbedder.LoadPackaged(PackagedModel.Find(options.Model ?? PackagedModel.MiniLm.Name)!, options.Pooling, options.MaxTokens, settings);
            var name = options.ModelPath is { } folder ? Path.GetFileName(Path.TrimEndingDirectorySeparator(folder)) : options.Model ?? PackagedModel.MiniLm.Name;
            EmbeddingsLog.OnnxReady(logger, name, onnx.RuntimeVersion,
                onnx.TokenizerDescription, onnx.Pooling, onnx.Dimension, onnx.MaxTokens, onnx.Inputs.HasTokenTypeIds, onnx.ModelId,
                (long)TimeProvider.System.GetElapsedTime(started).TotalMilliseconds);
            return new MicroBatchingEmbedder(onnx, options, services.GetRequiredService<TimeProvider>(), metrics, logger);
        }
        catch (EmbeddingModelLoadException ex)
        {
            EmbeddingsLog.ModelLoadFailed(logger, ex.Message);
            throw;
        }
    }
}
