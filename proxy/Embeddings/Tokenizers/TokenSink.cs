namespace LlmGateway.Embeddings.Tokenizers;

/// <summary>Collects content token ids up to a capacity; tokenizers stop early once it is full.</summary>
internal ref struct TokenSink
{
    private readonly Span<long> _ids;
    private readonly int _capacity;

    public TokenSink(Span<long> ids, int capacity)
    {
        _ids = ids;
        _capacity = Math.Max(0, capacity);
        Count = 0;
    }

    public int Count { get; private set; }

    public readonly bool IsFull => Count >= _capacity;

    public readonly int Remaining => _capacity - Count;

    public readonly long Last => Count == 0 ? long.MinValue : _ids[Count - 1];

    public void Add(long id)
    {
        if (Count < _capacity)
        {
            _ids[Count++] = id;
        }
    }
}
