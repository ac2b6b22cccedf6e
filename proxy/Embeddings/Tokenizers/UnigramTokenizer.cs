using System.Buffers;

namespace LlmGateway.Embeddings.Tokenizers;

/// <summary>
/// SentencePiece Unigram model read from tokenizer.json (multilingual-e5, paraphrase-multilingual-MiniLM,
/// XLM-R family): normalise (NFKC or the Precompiled approximation), Metaspace pre-tokenise, then pick the
/// segmentation with the highest total piece score (Viterbi over a lattice of vocabulary pieces; a character
/// no piece covers becomes <c>&lt;unk&gt;</c> with score min-10, and runs of unknowns fuse into one).
/// Tie-breaking follows the reference implementation: among equal scores the earliest-inserted path wins.
/// </summary>
internal sealed class UnigramTokenizer : ITokenizer
{
    private readonly double[] _scores;
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _pieces;
    private readonly int _maxPieceChars;
    private readonly SpecialTokenTemplate.ContentWriter _content;

    public UnigramTokenizer(IReadOnlyList<(string Piece, double Score)> vocab, int unkId, ITextNormalizer? normalizer,
        MetaspacePreTokenizer preTokenizer, SpecialTokenTemplate template, long padId)
    {
        if (unkId < 0 || unkId >= vocab.Count)
        {
            throw new InvalidDataException($"unk_id {unkId} is outside the vocabulary (size {vocab.Count}).");
        }

        _scores = new double[vocab.Count];
        var pieces = new Dictionary<string, int>(vocab.Count, StringComparer.Ordinal);
        var minScore = double.MaxValue;
        for (var i = 0; i < vocab.Count; i++)
        {
            _scores[i] = vocab[i].Score;
            minScore = Math.Min(minScore, vocab[i].Score);
            pieces[vocab[i].Piece] = i; // the reference's Map keeps the last id of a duplicated piece
            _maxPieceChars = Math.Max(_maxPieceChars, vocab[i].Piece.Length);
        }

        UnkScore = minScore - 10.0;
        _scores[unkId] = UnkScore;
        _pieces = pieces.GetAlternateLookup<ReadOnlySpan<char>>();
        UnkId = unkId;
        Normalizer = normalizer;
        PreTokenizer = preTokenizer;
        Template = template;
        PadId = padId;
        _content = EncodeContent;
    }

    public int UnkId { get; }

    public double UnkScore { get; }

    public ITextNormalizer? Normalizer { get; }

    public MetaspacePreTokenizer PreTokenizer { get; }

    public SpecialTokenTemplate Template { get; }

    public long PadId { get; }

    public string Description => $"unigram-{_scores.Length}";

    public int Encode(ReadOnlySpan<char> text, Span<long> ids, int maxTokens) => Template.Apply(ids, maxTokens, _content, text);

    private void EncodeContent(ReadOnlySpan<char> text, ref TokenSink sink)
    {
        var normalized = Normalizer?.Normalize(text.ToString()) ?? text.ToString();
        if (normalized.Length == 0)
        {
            return;
        }

        var segments = new List<(int Start, int Length)>();
        var buffer = PreTokenizer.PreTokenize(normalized, segments);
        foreach (var (start, length) in segments)
        {
            if (sink.IsFull)
            {
                return;
            }

            Segment(buffer.AsSpan(start, length), ref sink);
        }
    }

    /// <summary>
    /// Segments <paramref name="text"/>, in chunks when it is long: only a prefix can contribute tokens before
    /// truncation (each token covers at most the longest piece's length), so a 100k-character input costs about
    /// as much as a few thousand characters. A chunk boundary this far past the last kept token does not change
    /// the kept tokens in practice (Viterbi paths re-converge within a few pieces); a further chunk is only
    /// taken when the first did not fill the output (e.g. a long run of unknown characters fused into one).
    /// </summary>
    private void Segment(ReadOnlySpan<char> text, ref TokenSink sink)
    {
        while (text.Length > 0 && !sink.IsFull)
        {
            var limit = (sink.Remaining * Math.Max(1, _maxPieceChars) * 2) + 256;
            if (limit < text.Length && char.IsLowSurrogate(text[limit]))
            {
                limit--;
            }

            var chunk = text.Length > limit ? text[..limit] : text;
            SegmentChunk(chunk, ref sink);
            text = text[chunk.Length..];
        }
    }

    /// <summary>Viterbi over the lattice of pieces of <paramref name="text"/>, positions counted in code points.</summary>
    private void SegmentChunk(ReadOnlySpan<char> text, ref TokenSink sink)
    {
        var cpCount = JsText.CodePointCount(text);
        var offsets = ArrayPool<int>.Shared.Rent(cpCount + 1);
        using var lattice = new UnigramLattice(cpCount);
        try
        {
            for (int i = 0, k = 0; k <= cpCount; k++)
            {
                offsets[k] = i;
                if (i < text.Length)
                {
                    JsText.CodePointAt(text, i, out var n);
                    i += n;
                }
            }

            lattice.Add(0, -1); // beginning of sentence, ends at position 0, score 0
            for (var pos = 0; pos <= cpCount; pos++)
            {
                var firstNew = lattice.Count;
                if (pos < cpCount)
                {
                    var hasSingle = false;
                    var maxLength = Math.Min(cpCount - pos, _maxPieceChars);
                    for (var length = 1; length <= maxLength; length++)
                    {
                        var piece = text[offsets[pos]..offsets[pos + length]];
                        if (piece.Length > _maxPieceChars)
                        {
                            break;
                        }

                        if (_pieces.TryGetValue(piece, out var id))
                        {
                            lattice.Add(pos + length, id);
                            hasSingle |= length == 1;
                        }
                    }

                    if (!hasSingle)
                    {
                        lattice.Add(pos + 1, UnkId);
                    }
                }

                // Best predecessor for every node beginning here (and for the end of sentence at pos == cpCount):
                // the first node ending here with the highest backtrace + score, as the reference picks it.
                var beginCount = pos < cpCount ? lattice.Count - firstNew : 1;
                for (var r = 0; r < beginCount; r++)
                {
                    var score = pos < cpCount ? _scores[lattice.Token(firstNew + r)] : 0.0;
                    var best = -1;
                    var bestScore = 0.0;
                    for (var l = lattice.FirstEndingAt(pos); l >= 0; l = lattice.NextEndingAtSamePosition(l))
                    {
                        var candidate = lattice.Backtrace(l) + score;
                        if (best < 0 || candidate > bestScore)
                        {
                            best = l;
                            bestScore = candidate;
                        }
                    }

                    if (pos == cpCount)
                    {
                        Emit(best, lattice, ref sink);
                        return;
                    }

                    lattice.SetBest(firstNew + r, best, bestScore);
                }
            }
        }
        finally
        {
            ArrayPool<int>.Shared.Return(offsets);
        }
    }

    private void Emit(int last, UnigramLattice lattice, ref TokenSink sink)
    {
        var count = 0;
        for (var n = last; n > 0; n = lattice.Prev(n))
        {
            count++;
        }

        var path = ArrayPool<int>.Shared.Rent(Math.Max(1, count));
        try
        {
            var i = count;
            for (var n = last; n > 0; n = lattice.Prev(n))
            {
                path[--i] = lattice.Token(n);
            }

            for (i = 0; i < count; i++)
            {
                // fuse_unk: a run of unknown pieces becomes one <unk>, also across segments.
                if (path[i] == UnkId && sink.Count > 0 && sink.Last == UnkId)
                {
                    continue;
                }

                sink.Add(path[i]);
            }
        }
        finally
        {
            ArrayPool<int>.Shared.Return(path);
        }
    }
}
