namespace LlmGateway.Embeddings;

/// <summary>Builds the embedder while the host starts, so a model that cannot be loaded fails startup, not the first request.</summary>
internal sealed class EmbeddingsStartup(IServiceProvider services) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        _ = services.GetRequiredService<ITextEmbedder>();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
