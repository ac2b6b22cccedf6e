using System.Buffers;

namespace LlmGateway.Embeddings.Tokenizers;

/// <summary>
/// BERT WordPiece (greedy longest-match-first with a <c>##</c> continuation prefix) after BERT's normaliser and
/// pre-tokeniser (split on whitespace, every punctuation character its own word). A word longer than
/// <c>max_input_chars_per_word</c> code points, or one that cannot be covered by vocabulary pieces, becomes
/// <c>[UNK]</c>. Lookups use span-keyed dictionary views, so encoding allocates nothing per token.
/// </summary>
internal sealed class WordPieceTokenizer : ITokenizer
{
    private const int MaxPiecesPerWord = 128;
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _words;
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _continuations;
    private readonly int _longestPiece;
    private readonly SpecialTokenTemplate.ContentWriter _content;

    public WordPieceTokenizer(IReadOnlyDictionary<string, int> vocab, BertNormalizer normalizer, SpecialTokenTemplate template,
        string unkToken = "[UNK]", string continuingSubwordPrefix = "##", int maxInputCharsPerWord = 100, string padToken = "[PAD]")
    {
        Normalizer = normalizer;
        Template = template;
        MaxInputCharsPerWord = maxInputCharsPerWord;
        UnkId = vocab.TryGetValue(unkToken, out var unk) ? unk : throw new InvalidDataException($"The vocabulary has no unknown token '{unkToken}'.");
        PadId = vocab.TryGetValue(padToken, out var pad) ? pad : 0;
        var words = new Dictionary<string, int>(vocab.Count, StringComparer.Ordinal);
        var continuations = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (piece, id) in vocab)
        {
            words[piece] = id;
            if (continuingSubwordPrefix.Length > 0 && piece.StartsWith(continuingSubwordPrefix, StringComparison.Ordinal) && piece.Length > continuingSubwordPrefix.Length)
            {
                continuations[piece[continuingSubwordPrefix.Length..]] = id;
            }

            _longestPiece = Math.Max(_longestPiece, piece.Length);
        }

        _words = words.GetAlternateLookup<ReadOnlySpan<char>>();
        _continuations = continuations.GetAlternateLookup<ReadOnlySpan<char>>();
        VocabularySize = vocab.Count;
        _content = EncodeContent;
    }

    public BertNormalizer Normalizer { get; }

    public SpecialTokenTemplate Template { get; }

    public int MaxInputCharsPerWord { get; }

    public int UnkId { get; }

    public int VocabularySize { get; }

    public long PadId { get; }

    public string Description => $"wordpiece-{VocabularySize}";

    public int Encode(ReadOnlySpan<char> text, Span<long> ids, int maxTokens)
    {
        char[]? scratch = null;
        try
        {
            var normalized = Normalizer.Normalize(text, ref scratch);
            return Template.Apply(ids, maxTokens, _content, normalized);
        }
        finally
        {
            if (scratch is not null)
            {
                ArrayPool<char>.Shared.Return(scratch);
            }
        }
    }

    private void EncodeContent(ReadOnlySpan<char> normalized, ref TokenSink sink)
    {
        var text = JsText.Trim(normalized);
        var wordStart = -1;
        for (var i = 0; i < text.Length && !sink.IsFull;)
        {
            var cp = JsText.CodePointAt(text, i, out var n);
            if (JsText.IsWhitespace(cp) || JsText.IsPunctuation(cp))
            {
                if (wordStart >= 0)
                {
                    EncodeWord(text[wordStart..i], ref sink);
                    wordStart = -1;
                }

                if (!JsText.IsWhitespace(cp))
                {
                    EncodeWord(text.Slice(i, n), ref sink);
                }
            }
            else if (wordStart < 0)
            {
                wordStart = i;
            }

            i += n;
        }

        if (wordStart >= 0 && !sink.IsFull)
        {
            EncodeWord(text[wordStart..], ref sink);
        }
    }

    private void EncodeWord(ReadOnlySpan<char> word, ref TokenSink sink)
    {
        if (sink.IsFull)
        {
            return;
        }

        if (JsText.CodePointCount(word) > MaxInputCharsPerWord)
        {
            sink.Add(UnkId);
            return;
        }

        Span<int> pieces = stackalloc int[MaxPiecesPerWord];
        var count = 0;
        var start = 0;
        while (start < word.Length)
        {
            var end = Math.Min(word.Length, start + _longestPiece);
            if (end < word.Length && char.IsLowSurrogate(word[end]) && end > start + 1)
            {
                end--; // never split a surrogate pair
            }

            var found = -1;
            while (start < end)
            {
                var candidate = word[start..end];
                var hit = start == 0 ? _words.TryGetValue(candidate, out var id) : _continuations.TryGetValue(candidate, out id);
                if (hit)
                {
                    found = id;
                    break;
                }

                end -= end - 2 >= start && char.IsLowSurrogate(word[end - 1]) && char.IsHighSurrogate(word[end - 2]) ? 2 : 1;
            }

            if (found < 0 || count == MaxPiecesPerWord)
            {
                sink.Add(UnkId);
                return;
            }

            pieces[count++] = found;
            start = end;
        }

        foreach (var id in pieces[..count])
        {
            sink.Add(id);
        }
    }
}
