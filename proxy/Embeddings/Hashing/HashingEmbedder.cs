using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Text;

namespace LlmGateway.Embeddings.Hashing;

/// <summary>
/// The default embedder: no model file. Text is NFKC-normalised and lower-cased, then split into words
/// (runs of letters and digits) and runs of CJK characters (Han, kana, Hangul: scripts written without
/// spaces). Features: word unigrams, word bigrams, character trigrams of each word (with boundary marks), and
/// character 1-, 2- and 3-grams of CJK runs. Each feature is hashed to a bucket with a hash-derived sign
/// (signed feature hashing), bucket values are damped sub-linearly (sign·ln(1+|v|)) so repeated words do not
/// dominate, and the vector is L2-normalised.
/// It finds rewordings that share most words and characters ("how do I reset my password" / "how can I
/// reset my password?"); it does not understand paraphrases with different words. Use an ONNX model for that.
/// </summary>
internal sealed class HashingEmbedder : ISpanTextEmbedder
{
    /// <summary>Bump when features, weights or hashing change: it is part of <see cref="ModelId"/>.</summary>
    internal const int AlgorithmVersion = 1;

    private const float WordWeight = 1.0f;
    private const float BigramWeight = 0.7f;
    private const float WordTrigramWeight = 0.35f;
    private const float CjkUnigramWeight = 0.4f;
    private const float CjkBigramWeight = 1.0f;
    private const float CjkTrigramWeight = 0.6f;
    private const int StackLimit = 1024;

    private readonly EmbeddingsMetrics? _metrics;

    public HashingEmbedder(int dimension, EmbeddingsMetrics? metrics = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(dimension, 16);
        Dimension = dimension;
        _metrics = metrics;
        ModelId = $"hashing-v{AlgorithmVersion}-d{dimension}";
    }

    public string ModelId { get; }

    public int Dimension { get; }

    public ValueTask<float[]> EmbedAsync(string text, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(text);
        cancellationToken.ThrowIfCancellationRequested();
        var start = Stopwatch.GetTimestamp();
        var vector = new float[Dimension];
        Embed(text, vector);
        _metrics?.RecordDuration("hashing", Stopwatch.GetElapsedTime(start));
        return ValueTask.FromResult(vector);
    }

    public ValueTask<float[][]> EmbedBatchAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(texts);
        var result = new float[texts.Count][];
        for (var i = 0; i < texts.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            result[i] = new float[Dimension];
            Embed(texts[i], result[i]);
        }

        return ValueTask.FromResult(result);
    }

    public void Embed(ReadOnlySpan<char> text, Span<float> destination)
    {
        if (destination.Length != Dimension)
        {
            throw new ArgumentException($"Destination must have length {Dimension}.", nameof(destination));
        }

        if (text.IsWhiteSpace())
        {
            throw new ArgumentException("Cannot embed empty text.", nameof(text));
        }

        destination.Clear();
        if (Ascii.IsValid(text))
        {
            char[]? rented = null;
            var buffer = text.Length <= StackLimit ? stackalloc char[text.Length] : (rented = ArrayPool<char>.Shared.Rent(text.Length));
            try
            {
                Ascii.ToLower(text, buffer, out var written);
                Accumulate(buffer[..written], destination);
            }
            finally
            {
                if (rented is not null)
                {
                    ArrayPool<char>.Shared.Return(rented);
                }
            }
        }
        else
        {
            var normalized = BertNormalizeSafe(text.ToString()).ToLowerInvariant();
            Accumulate(normalized, destination);
        }

        Finish(text, destination);
    }

    private static string BertNormalizeSafe(string text) => Tokenizers.BertNormalizer.SafeNormalize(text, NormalizationForm.FormKC);

    private void Accumulate(ReadOnlySpan<char> text, Span<float> vector)
    {
        var previousWord = 0UL;
        var havePrevious = false;
        for (var i = 0; i < text.Length;)
        {
            var kind = Classify(text, i, out var width);
            if (kind == CharKind.Separator)
            {
                i += width;
                continue;
            }

            var start = i;
            while (i < text.Length && Classify(text, i, out width) == kind)
            {
                i += width;
            }

            var run = text[start..i];
            if (kind == CharKind.Word)
            {
                var word = FeatureHash.Of(run, 1);
                Add(vector, word, WordWeight);
                if (havePrevious)
                {
                    Add(vector, FeatureHash.Combine(previousWord, word, 2), BigramWeight);
                }

                previousWord = word;
                havePrevious = true;
                AddWordTrigrams(run, vector);
            }
            else
            {
                AddCjkNgrams(run, vector);
                havePrevious = false;
            }
        }
    }

    private void AddWordTrigrams(ReadOnlySpan<char> word, Span<float> vector)
    {
        // Trigrams of "\u0002word\u0003": a 1-letter word still yields one feature.
        var length = word.Length + 2;
        for (var i = 0; i + 3 <= length; i++)
        {
            var hash = FeatureHash.Start(3);
            for (var j = i; j < i + 3; j++)
            {
                hash = FeatureHash.Add(hash, j == 0 ? '\u0002' : j == length - 1 ? '\u0003' : word[j - 1]);
            }

            Add(vector, FeatureHash.Finish(hash), WordTrigramWeight);
        }
    }

    private void AddCjkNgrams(ReadOnlySpan<char> run, Span<float> vector)
    {
        for (var i = 0; i < run.Length; i++)
        {
            Add(vector, FeatureHash.Of(run.Slice(i, 1), 4), CjkUnigramWeight);
            if (i + 2 <= run.Length)
            {
                Add(vector, FeatureHash.Of(run.Slice(i, 2), 5), CjkBigramWeight);
            }

            if (i + 3 <= run.Length)
            {
                Add(vector, FeatureHash.Of(run.Slice(i, 3), 6), CjkTrigramWeight);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Add(Span<float> vector, ulong hash, float weight)
    {
        var bucket = (int)((hash >> 32) % (uint)Dimension);
        vector[bucket] += (hash & 1) == 0 ? weight : -weight;
    }

    private void Finish(ReadOnlySpan<char> original, Span<float> vector)
    {
        for (var i = 0; i < vector.Length; i++)
        {
            var v = vector[i];
            vector[i] = v >= 0 ? MathF.Log(1 + v) : -MathF.Log(1 - v);
        }

        var norm = TensorPrimitives.Norm(vector);
        if (norm < 1e-6f)
        {
            // No letters, digits or CJK characters (e.g. "?!"): fall back to the whole text as one feature.
            vector.Clear();
            Add(vector, FeatureHash.Of(original.Trim(), 7), 1);
            norm = 1;
        }

        TensorPrimitives.Divide(vector, norm, vector);
    }

    private enum CharKind
    {
        Separator,
        Word,
        Cjk,
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static CharKind Classify(ReadOnlySpan<char> text, int index, out int width)
    {
        var c = text[index];
        width = 1;
        if (c < 128)
        {
            return char.IsAsciiLetterOrDigit(c) ? CharKind.Word : CharKind.Separator;
        }

        if (c is (>= '\u3040' and <= '\u30FF') or (>= '\u3400' and <= '\u4DBF') or (>= '\u4E00' and <= '\u9FFF')
            or (>= '\uF900' and <= '\uFAFF') or (>= '\uAC00' and <= '\uD7AF') or (>= '\uFF66' and <= '\uFF9F'))
        {
            return CharKind.Cjk;
        }

        if (char.IsHighSurrogate(c) && index + 1 < text.Length && char.IsLowSurrogate(text[index + 1]))
        {
            width = 2;
            var category = CharUnicodeInfo.GetUnicodeCategory(char.ConvertToUtf32(c, text[index + 1]));
            return category is UnicodeCategory.OtherLetter ? CharKind.Cjk : category <= UnicodeCategory.OtherLetter ? CharKind.Word : CharKind.Separator;
        }

        return CharUnicodeInfo.GetUnicodeCategory(c) switch
        {
            UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter
                or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter or UnicodeCategory.NonSpacingMark
                or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.DecimalDigitNumber or UnicodeCategory.LetterNumber => CharKind.Word,
            _ => CharKind.Separator,
        };
    }

    public void Dispose()
    {
    }
}
