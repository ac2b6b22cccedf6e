namespace LlmGateway.Gateway;

/// <summary>The OpenAI operations the gateway meters; other <c>/v1</c> calls are forwarded only from configured pass-through paths.</summary>
internal enum OpenAiEndpoint
{
    Other,
    ChatCompletions,
    Completions,
    Embeddings,
    Responses,
}

internal static class OpenAiEndpoints
{
    private static readonly (string Path, OpenAiEndpoint Endpoint)[] Metered =
    [
        ("/v1/chat/completions", OpenAiEndpoint.ChatCompletions),
        ("/v1/completions", OpenAiEndpoint.Completions),
        ("/v1/embeddings", OpenAiEndpoint.Embeddings),
        ("/v1/responses", OpenAiEndpoint.Responses),
    ];

    /// <summary>
    /// The metered endpoint a path names, matched as providers route it: in any case and with or without one
    /// trailing slash. <paramref name="canonical"/> is the path to forward.
    /// </summary>
    public static OpenAiEndpoint FromPath(PathString path, out string canonical)
    {
        var value = path.Value.AsSpan();
        if (value.Length > 1 && value[^1] == '/')
            value = value[..^1];
        foreach (var (known, endpoint) in Metered)
        {
            if (value.Equals(known, StringComparison.OrdinalIgnoreCase))
            {
                canonical = known;
                return endpoint;
            }
        }
        canonical = path.Value ?? "";
        return OpenAiEndpoint.Other;
    }

    /// <summary>Whether a path prefix is, lies under or over a metered endpoint (in any case): such a prefix can never pass through.</summary>
    public static bool Overlaps(string prefix)
    {
        foreach (var (known, _) in Metered)
        {
            if (prefix.StartsWith(known, StringComparison.OrdinalIgnoreCase) || known.StartsWith(prefix + "/", StringComparison.OrdinalIgnoreCase))
                return true;
        }
        return false;
    }
}
