using System.Buffers;

namespace LlmGateway.Embeddings.Tokenizers;

/// <summary>
/// Nodes of a Unigram segmentation lattice in pooled, growable arrays (no allocation per node). A node is a
/// vocabulary piece (or an unknown character) spanning code points [Start, Start + Length); nodes ending at
/// the same position are kept in insertion order, which decides ties the way the reference does.
/// </summary>
internal sealed class UnigramLattice : IDisposable
{
    private int[] _token;
    private int[] _prev;
    private int[] _nextEnding;
    private double[] _backtrace;
    private int[] _endHead;
    private int[] _endTail;

    public UnigramLattice(int positions)
    {
        var capacity = Math.Max(16, positions * 4);
        _token = ArrayPool<int>.Shared.Rent(capacity);
        _prev = ArrayPool<int>.Shared.Rent(capacity);
        _nextEnding = ArrayPool<int>.Shared.Rent(capacity);
        _backtrace = ArrayPool<double>.Shared.Rent(capacity);
        _endHead = ArrayPool<int>.Shared.Rent(positions + 1);
        _endTail = ArrayPool<int>.Shared.Rent(positions + 1);
        Array.Fill(_endHead, -1, 0, positions + 1);
        Array.Fill(_endTail, -1, 0, positions + 1);
    }

    public int Count { get; private set; }

    /// <summary>Adds a node ending at <paramref name="end"/> and returns its index.</summary>
    public int Add(int end, int token)
    {
        if (Count == _token.Length)
        {
            Grow(ref _token);
            Grow(ref _prev);
            Grow(ref _nextEnding);
            Grow(ref _backtrace);
        }

        var node = Count++;
        _token[node] = token;
        _prev[node] = -1;
        _nextEnding[node] = -1;
        _backtrace[node] = 0;
        if (_endTail[end] < 0)
        {
            _endHead[end] = node;
        }
        else
        {
            _nextEnding[_endTail[end]] = node;
        }

        _endTail[end] = node;
        return node;
    }

    public int Token(int node) => _token[node];

    public int Prev(int node) => _prev[node];

    public double Backtrace(int node) => _backtrace[node];

    public void SetBest(int node, int prev, double backtrace)
    {
        _prev[node] = prev;
        _backtrace[node] = backtrace;
    }

    public int FirstEndingAt(int position) => _endHead[position];

    public int NextEndingAtSamePosition(int node) => _nextEnding[node];

    private static void Grow<T>(ref T[] array)
    {
        var bigger = ArrayPool<T>.Shared.Rent(array.Length * 2);
        array.AsSpan().CopyTo(bigger);
        ArrayPool<T>.Shared.Return(array);
        array = bigger;
    }

    public void Dispose()
    {
        ArrayPool<int>.Shared.Return(_token);
        ArrayPool<int>.Shared.Return(_prev);
        ArrayPool<int>.Shared.Return(_nextEnding);
        ArrayPool<double>.Shared.Return(_backtrace);
        ArrayPool<int>.Shared.Return(_endHead);
        ArrayPool<int>.Shared.Return(_endTail);
    }
}
