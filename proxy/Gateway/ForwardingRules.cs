namespace LlmGateway.Gateway;

/// <summary>What the gateway may do with a <c>/v1</c> request that no local endpoint answered.</summary>
internal enum Forwarding
{
    /// <summary>A metered endpoint: parsed, allow-listed, reserved, settled.</summary>
    Metered,
    /// <summary>A configured pass-through path (<c>Gateway:PassThroughPaths</c>): forwarded to the default provider as it is.</summary>
    PassThrough,
    NotFound,
    MethodNotAllowed,
}

/// <summary>
/// The one decision of which requests reach a provider. A path that only looks like a metered endpoint
/// (other case, trailing slash) is metered under its canonical path; encoded or doubled slashes are refused,
/// as any path that is neither metered nor configured to pass through. Nothing is forwarded unparsed by accident.
/// </summary>
internal static class ForwardingRules
{
    /// <summary>The methods OpenAI's API uses on its resources (files, batches, ...).</summary>
    private static readonly string[] PassThroughMethods = [HttpMethods.Get, HttpMethods.Post, HttpMethods.Delete];

    public static Forwarding Classify(HttpRequest request, IReadOnlyList<string> passThroughPaths, out OpenAiEndpoint endpoint, out string canonicalPath)
    {
        endpoint = OpenAiEndpoints.FromPath(request.Path, out canonicalPath);
        var path = request.Path.Value ?? "";
        // Kestrel keeps %2F encoded and does not merge slashes; a provider may do either, so such a path is no path we know.
        if (path.Contains("//", StringComparison.Ordinal) || path.Contains('\\')
            || path.Contains("%2F", StringComparison.OrdinalIgnoreCase) || path.Contains("%5C", StringComparison.OrdinalIgnoreCase))
            return Forwarding.NotFound;
        if (endpoint != OpenAiEndpoint.Other)
            return HttpMethods.IsPost(request.Method) ? Forwarding.Metered : Forwarding.MethodNotAllowed;
        if (!IsPassThrough(path, passThroughPaths))
            return Forwarding.NotFound;
        return PassThroughMethods.Any(m => HttpMethods.Equals(m, request.Method)) ? Forwarding.PassThrough : Forwarding.MethodNotAllowed;
    }

    /// <summary>The methods to name in <c>Allow</c> for a 405.</summary>
    public static string Allowed(OpenAiEndpoint endpoint) => endpoint == OpenAiEndpoint.Other ? string.Join(", ", PassThroughMethods) : HttpMethods.Post;

    /// <summary>Segment-wise and case-sensitive: <c>/v1/files</c> lets through <c>/v1/files/abc</c>, not <c>/v1/filesx</c> or <c>/V1/Files</c>.</summary>
    private static bool IsPassThrough(string path, IReadOnlyList<string> prefixes)
    {
        foreach (var prefix in prefixes)
        {
            if (new PathString(path).StartsWithSegments(prefix, StringComparison.Ordinal))
                return true;
        }
        return false;
    }

    /// <summary>Config errors of <c>Gateway:PassThroughPaths</c>.</summary>
    public static void Validate(IReadOnlyList<string> prefixes, List<string> errors)
    {
        for (var i = 0; i < prefixes.Count; i++)
        {
            var prefix = prefixes[i];
            if (prefix is null || !prefix.StartsWith("/v1/", StringComparison.Ordinal) || prefix.Length < 5 || prefix.EndsWith('/')
                || prefix.Contains("//", StringComparison.Ordinal) || prefix.Contains('%') || prefix.Contains('\\'))
                errors.Add($"Gateway:PassThroughPaths:{i}: '{prefix}' must be a path under /v1/ such as '/v1/files' (no trailing slash, no encoding).");
            else if (OpenAiEndpoints.Overlaps(prefix) || prefix.StartsWith("/v1/models", StringComparison.OrdinalIgnoreCase))
                errors.Add($"Gateway:PassThroughPaths:{i}: '{prefix}' overlaps a metered endpoint or /v1/models; those are never passed through.");
        }
    }
}
