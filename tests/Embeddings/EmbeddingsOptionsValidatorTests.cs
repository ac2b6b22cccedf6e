using LlmGateway.Embeddings;
using Microsoft.Extensions.Configuration;

namespace LlmGateway.Tests.Embeddings;

public sealed class EmbeddingsOptionsValidatorTests
{
    [Fact]
    public void Defaults_are_valid_and_use_the_built_in_sentence_model()
    {
        var options = new EmbeddingsOptions();
        Assert.True(new EmbeddingsOptionsValidator().Validate(null, options).Succeeded);
        Assert.Equal(EmbeddingsProvider.Onnx, options.Provider);
        Assert.Null(options.Model); // all-MiniLM-L6-v2
        Assert.Null(options.ModelPath);
        Assert.Null(options.Pooling); // the model's own
        Assert.Equal(512, options.Dimension);
        Assert.Equal(256, options.MaxTokens);
    }

    [Fact]
    public void Every_error_is_listed_with_its_configuration_key()
    {
        var options = new EmbeddingsOptions
        {
            Provider = EmbeddingsProvider.Onnx,
            Model = "all-MiniLM-L6-v2",
            ModelPath = "/nonexistent/model",
            MaxTokens = 2,
            Threads = -1,
            Dimension = 3,
            MaxBatchSize = 0,
            MaxConcurrentBatches = 0,
            BatchWindow = TimeSpan.FromSeconds(1),
            Timeout = TimeSpan.Zero,
        };
        var result = new EmbeddingsOptionsValidator().Validate(null, options);
        Assert.True(result.Failed);
        var failures = result.Failures!.ToArray();
        foreach (var key in new[] { "Model and", "ModelPath", "MaxTokens", "Threads", "Dimension", "MaxBatchSize", "MaxConcurrentBatches", "BatchWindow", "Timeout" })
        {
            Assert.Contains(failures, f => f.StartsWith("Gateway:Embeddings:" + key, StringComparison.Ordinal));
        }
    }

    [Fact]
    public void Missing_model_path_is_reported()
    {
        var result = new EmbeddingsOptionsValidator().Validate(null, new EmbeddingsOptions
        {
            Provider = EmbeddingsProvider.Onnx,
            ModelPath = "/nonexistent/model",
        });
        Assert.Contains(result.Failures!, f => f.Contains("Gateway:Embeddings:ModelPath '/nonexistent/model' does not exist"));
    }

    [Theory]
    [InlineData("all-MiniLM-L6-v2")]
    [InlineData("SNOWFLAKE-ARCTIC-EMBED-XS")]
    public void Built_in_models_are_selected_by_name(string name) =>
        Assert.True(new EmbeddingsOptionsValidator().Validate(null, new EmbeddingsOptions { Model = name }).Succeeded);

    [Fact]
    public void Unknown_model_name_lists_the_built_in_ones()
    {
        var result = new EmbeddingsOptionsValidator().Validate(null, new EmbeddingsOptions { Model = "bge-small-en" });
        var failure = Assert.Single(result.Failures!);
        Assert.StartsWith("Gateway:Embeddings:Model 'bge-small-en' is not a built-in model", failure);
        Assert.Contains("'all-MiniLM-L6-v2', 'snowflake-arctic-embed-xs'", failure);
        Assert.Contains("Gateway:Embeddings:ModelPath", failure);
    }

    [Fact]
    public void Binds_lower_case_values_from_configuration()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Gateway:Embeddings:Provider"] = "onnx",
            ["Gateway:Embeddings:Pooling"] = "cls",
            ["Gateway:Embeddings:MaxTokens"] = "128",
            ["Gateway:Embeddings:BatchWindow"] = "00:00:00.001",
        }).Build();
        var options = configuration.GetSection(EmbeddingsOptions.SectionName).Get<EmbeddingsOptions>()!;
        Assert.Equal(EmbeddingsProvider.Onnx, options.Provider);
        Assert.Equal(EmbeddingPooling.Cls, options.Pooling);
        Assert.Equal(128, options.MaxTokens);
        Assert.Equal(TimeSpan.FromMilliseconds(1), options.BatchWindow);
    }
}
