namespace LlmGateway.Gateway;

internal static class RequestIds
{
    private const int MaxLength = 128;

    /// <summary>The client's id when it is short printable ASCII, else a new one.</summary>
    public static string FromClientOrNew(string fromClient)
    {
        if (fromClient.Length is > 0 and <= MaxLength && fromClient.All(c => c is > ' ' and < (char)127))
            return fromClient;
        return "req_" + Guid.NewGuid().ToString("N");
    }
}
