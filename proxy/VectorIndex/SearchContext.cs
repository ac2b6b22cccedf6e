namespace LlmGateway.VectorIndex;

/// <summary>
/// Per-search scratch state: visited marks (a generation stamp per node, so resetting is O(1)),
/// the candidate and result heaps and a buffer for the normalised query. One search owns a
/// context at a time; contexts are pooled by <see cref="SearchContextPool"/>.
/// </summary>
internal sealed class SearchContext
{
    private ushort[] _marks;
    private ushort _generation;

    public SearchContext(int nodeCapacity, int dimension)
    {
        _marks = new ushort[Math.Max(nodeCapacity, 16)];
        Query = new float[dimension];
        QueryCodes = new sbyte[dimension];
    }

    public CandidateHeap Candidates { get; } = new(farthestOnTop: false);

    public CandidateHeap Results { get; } = new(farthestOnTop: true);

    /// <summary>Buffer for a query that had to be normalised.</summary>
    public float[] Query { get; }

    /// <summary>Buffer for the query's int8 codes (quantized search).</summary>
    public sbyte[] QueryCodes { get; }

    /// <summary>Scratch list of neighbour ids copied out of a link list.</summary>
    public int[] Neighbours { get; private set; } = new int[256];

    public long MarkBytes => _marks.Length * sizeof(ushort);

    /// <summary>Starts a new search over at most <paramref name="nodeCapacity"/> nodes.</summary>
    public void Reset(int nodeCapacity)
    {
        if (_marks.Length < nodeCapacity)
        {
            _marks = new ushort[Math.Max(nodeCapacity, _marks.Length * 2)];
            _generation = 0;
        }

        if (++_generation == 0)
        {
            Array.Clear(_marks);
            _generation = 1;
        }

        Candidates.Clear();
        Results.Clear();
    }

    /// <summary>
    /// Starts the next layer's walk from <paramref name="seeds"/>: they become the candidates, and
    /// the only visited nodes, of a fresh search. The seeds may be <c>Results.Items</c> itself:
    /// clearing a heap resets its count and leaves its items in place.
    /// </summary>
    public void Reseed(ReadOnlySpan<Candidate> seeds, int nodeCapacity)
    {
        Reset(nodeCapacity);
        foreach (var seed in seeds)
        {
            Candidates.Push(seed.Distance, seed.Node);
            TryVisit(seed.Node);
        }
    }

    /// <summary>Marks <paramref name="node"/> visited; false when it already was.</summary>
    public bool TryVisit(int node)
    {
        if ((uint)node >= (uint)_marks.Length)
        {
            // A node allocated after this search started: grow, keeping the marks made so far.
            Array.Resize(ref _marks, Math.Max(node + 1, _marks.Length * 2));
        }

        if (_marks[node] == _generation)
        {
            return false;
        }

        _marks[node] = _generation;
        return true;
    }

    public int[] NeighbourBuffer(int size)
    {
        if (Neighbours.Length < size)
        {
            Neighbours = new int[size];
        }

        return Neighbours;
    }
}
