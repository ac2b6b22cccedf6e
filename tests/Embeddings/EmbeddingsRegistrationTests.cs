using LlmGateway.Embeddings;
using LlmGateway.Embeddings.Batching;
using LlmGateway.Embeddings.Hashing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace LlmGateway.Tests.Embeddings;

public sealed class EmbeddingsRegistrationTests
{
    [Fact]
    public async Task Default_configuration_registers_the_built_in_minilm_model()
    {
        using var host = await StartAsync([]);
        var embedder = host.Services.GetRequiredService<ITextEmbedder>();
        Assert.IsType<MicroBatchingEmbedder>(embedder);
        Assert.Equal(384, embedder.Dimension);
        Assert.StartsWith("onnx-all-MiniLM-L6-v2-mean-384-", embedder.ModelId);
        Assert.Equal(384, (await embedder.EmbedAsync("hello", default)).Length);
        await host.StopAsync();
    }

    [Fact]
    public async Task Hashing_is_selectable()
    {
        using var host = await StartAsync(new() { ["Gateway:Embeddings:Provider"] = "hashing" });
        var embedder = host.Services.GetRequiredService<ITextEmbedder>();
        Assert.IsType<HashingEmbedder>(embedder);
        Assert.Equal(512, (await embedder.EmbedAsync("hello", default)).Length);
    }

    [Fact]
    public async Task Onnx_configuration_registers_the_batched_onnx_embedder()
    {
        using var folder = TempModelFolder.Create("tiny-bert.onnx", TestPaths.MiniLm);
        using var host = await StartAsync(new() { ["Gateway:Embeddings:Provider"] = "onnx", ["Gateway:Embeddings:ModelPath"] = folder.Path });
        var embedder = host.Services.GetRequiredService<ITextEmbedder>();
        Assert.IsType<MicroBatchingEmbedder>(embedder);
        Assert.Equal(32, embedder.Dimension);
        Assert.StartsWith("onnx-", embedder.ModelId);
        Assert.Equal(32, (await embedder.EmbedAsync("hello", default)).Length);
        await host.StopAsync();
    }

    [Fact]
    public async Task Invalid_options_fail_startup_naming_the_keys()
    {
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => StartAsync(new()
        {
            ["Gateway:Embeddings:Provider"] = "onnx",
            ["Gateway:Embeddings:Model"] = "no-such-model",
            ["Gateway:Embeddings:MaxTokens"] = "1",
        }));
        Assert.Contains("Gateway:Embeddings:Model 'no-such-model'", ex.Message);
        Assert.Contains("Gateway:Embeddings:MaxTokens", ex.Message);
    }

    [Fact]
    public async Task Unknown_provider_fails_startup_naming_the_key()
    {
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => StartAsync(new() { ["Gateway:Embeddings:Provider"] = "openai" }));
        Assert.Contains("Gateway:Embeddings:Provider", ex.Message);
    }

    [Fact]
    public async Task Corrupt_model_fails_startup_instead_of_falling_back()
    {
        using var folder = TempModelFolder.Create("tiny-bert.onnx", TestPaths.MiniLm);
        await File.WriteAllBytesAsync(Path.Combine(folder.Path, "model.onnx"), "this is not an onnx model"u8.ToArray());
        var ex = await Assert.ThrowsAsync<EmbeddingModelLoadException>(() => StartAsync(new()
        {
            ["Gateway:Embeddings:Provider"] = "onnx",
            ["Gateway:Embeddings:ModelPath"] = folder.Path,
        }));
        Assert.Contains("could not be loaded by ONNX Runtime", ex.Message);
    }

    private static async Task<IHost> StartAsync(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddEmbeddings(builder.Configuration);
        var host = builder.Build();
        try
        {
            await host.StartAsync();
            return host;
        }
        catch
        {
            host.Dispose();
            throw;
        }
    }
}
