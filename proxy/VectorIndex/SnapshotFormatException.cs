namespace LlmGateway.VectorIndex;

/// <summary>A snapshot whose content does not describe a valid index (corrupt, truncated or foreign).</summary>
internal sealed class SnapshotFormatException : Exception
{
    public SnapshotFormatException(string message)
        : base(message)
    {
    }
}
