namespace LlmGateway.Budgets.Usage;

/// <summary>Generated text seen in a stream: how many pieces (each at least one token) and their UTF-8 bytes.</summary>
internal readonly record struct StreamedText(long Pieces, long Bytes)
{
    public StreamedText Plus(StreamedText other) => new(Pieces + other.Pieces, Bytes + other.Bytes);
}
