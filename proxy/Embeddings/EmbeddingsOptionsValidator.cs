using LlmGateway.Embeddings.Packaged;
using Microsoft.Extensions.Options;

namespace LlmGateway.Embeddings;

/// <summary>Checks <see cref="EmbeddingsOptions"/> and reports every problem at once, each with its configuration key.</summary>
internal sealed class EmbeddingsOptionsValidator : IValidateOptions<EmbeddingsOptions>
{
    private const string Prefix = EmbeddingsOptions.SectionName + ":";

    public ValidateOptionsResult Validate(string? name, EmbeddingsOptions options)
    {
        var errors = new List<string>();
        if (!Enum.IsDefined(options.Provider))
        {
            errors.Add($"{Prefix}Provider must be 'hashing' or 'onnx'.");
        }

        if (options.Provider == EmbeddingsProvider.Onnx)
        {
            var names = string.Join(", ", PackagedModel.All.Select(m => $"'{m.Name}'"));
            if (options.Model is not null && options.ModelPath is not null)
            {
                errors.Add($"{Prefix}Model and {Prefix}ModelPath are both set: use Model for a built-in model ({names}) or ModelPath for a model folder, not both.");
            }
            else if (options.Model is not null && PackagedModel.Find(options.Model) is null)
            {
                errors.Add($"{Prefix}Model '{options.Model}' is not a built-in model (built in: {names}; for another model set {Prefix}ModelPath to its folder).");
            }

            if (options.ModelPath is not null && !File.Exists(options.ModelPath) && !Directory.Exists(options.ModelPath))
            {
                errors.Add($"{Prefix}ModelPath '{options.ModelPath}' does not exist (a model folder with model.onnx or onnx/model.onnx and tokenizer.json or vocab.txt).");
            }
        }

        if (options.Pooling is { } pooling && !Enum.IsDefined(pooling))
        {
            errors.Add($"{Prefix}Pooling must be 'mean' or 'cls'.");
        }

        Range(errors, "MaxTokens", options.MaxTokens, 8, 8192);
        Range(errors, "Threads", options.Threads, 0, 64);
        Range(errors, "Dimension", options.Dimension, 16, 16384);
        Range(errors, "MaxBatchSize", options.MaxBatchSize, 1, 1024);
        Range(errors, "MaxConcurrentBatches", options.MaxConcurrentBatches, 1, 64);
        if (options.BatchWindow < TimeSpan.Zero || options.BatchWindow > TimeSpan.FromMilliseconds(50))
        {
            errors.Add($"{Prefix}BatchWindow must be between 00:00:00 and 00:00:00.050 (was {options.BatchWindow}).");
        }

        if (options.Timeout <= TimeSpan.Zero || options.Timeout > TimeSpan.FromMinutes(5))
        {
            errors.Add($"{Prefix}Timeout must be greater than zero and at most 00:05:00 (was {options.Timeout}).");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void Range(List<string> errors, string key, int value, int min, int max)
    {
        if (value < min || value > max)
        {
            errors.Add($"{Prefix}{key} must be between {min} and {max} (was {value}).");
        }
    }
}
