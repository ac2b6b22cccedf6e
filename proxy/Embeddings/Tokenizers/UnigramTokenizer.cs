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

    /// <summary>Viterbi over the lattice of pieces of <paramref name="text"/>, positions counted in code points.</summary>
    private void Segment(ReadOnlySpan<char> text, ref TokenSink sink)
    {
        var pool = ArrayPool<int>.Shared;
        var cpCount = JsText.CodePointCount(text);
        var maxNodes = (cpCount * Math.Max(1, _maxPieceChars)) + cpCount + 1;
        var offsets = pool.Rent(cpCount + 1);
        var nodeStart = pool.Rent(maxNodes);
        var nodeLength = pool.Rent(maxNodes);
        var nodeToken = pool.Rent(maxNodes);
        var nodePrev = pool.Rent(maxNodes);
        var nextEnding = pool.Rent(maxNodes);
        var endHead = pool.Rent(cpCount + 1);
        var endTail = pool.Rent(cpCount + 1);
        var backtrace = ArrayPool<double>.Shared.Rent(maxNodes);
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

            Array.Fill(endHead, -1, 0, cpCount + 1);
            Array.Fill(endTail, -1, 0, cpCount + 1);

            // Node 0 is the beginning-of-sentence node ending at position 0.
            var nodes = 0;
            void AddNode(int start, int length, int token, Span<int> s, Span<int> l, Span<int> t, Span<int> next, Span<int> head, Span<int> tail)
            {
                s[nodes] = start;
                l[nodes] = length;
                t[nodes] = token;
                next[nodes] = -1;
                var end = start + length;
                if (tail[end] < 0)
                {
                    head[end] = nodes;
                }
                else
                {
                    next[tail[end]] = nodes;
                }

                tail[end] = nodes;
                nodes++;
            }

            AddNode(0, 0, -1, nodeStart, nodeLength, nodeToken, nextEnding, endHead, endTail);
            backtrace[0] = 0;
            nodePrev[0] = -1;

            for (var pos = 0; pos <= cpCount; pos++)
            {
                var firstNew = nodes;
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
                            AddNode(pos, length, id, nodeStart, nodeLength, nodeToken, nextEnding, endHead, endTail);
                            hasSingle |= length == 1;
                        }
                    }

                    if (!hasSingle)
                    {
                        AddNode(pos, 1, UnkId, nodeStart, nodeLength, nodeToken, nextEnding, endHead, endTail);
                    }
                }

                // Best predecessor for every node beginning here (and for the end of sentence at pos == cpCount).
                var beginCount = pos < cpCount ? nodes - firstNew : 1;
                for (var r = 0; r < beginCount; r++)
                {
                    var rScore = pos < cpCount ? _scores[nodeToken[firstNew + r]] : 0.0;
                    var best = -1;
                    var bestScore = 0.0;
                    for (var l = endHead[pos]; l >= 0; l = nextEnding[l])
                    {
                        var score = backtrace[l] + rScore;
                        if (best < 0 || score > bestScore)
                        {
                            best = l;
                            bestScore = score;
                        }
                    }

                    if (pos == cpCount)
                    {
                        Emit(best, nodePrev, nodeToken, ref sink);
                        return;
                    }

                    nodePrev[firstNew + r] = best;
                    backtrace[firstNew + r] = bestScore;
                }
            }
        }
        finally
        {
            foreach (var rented in new[] { offsets, nodeStart, nodeLength, nodeToken, nodePrev, nextEnding, endHead, endTail })
            {
                pool.Return(rented);
            }

            ArrayPool<double>.Shared.Return(backtrace);
        }
    }

    private void Emit(int last, int[] prev, int[] token, ref TokenSink sink)
    {
        var count = 0;
        for (var n = last; n > 0; n = prev[n])
        {
            count++;
        }

        var path = ArrayPool<int>.Shared.Rent(Math.Max(1, count));
        try
        {
            var i = count;
            for (var n = last; n > 0; n = prev[n])
            {
                path[--i] = token[n];
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
