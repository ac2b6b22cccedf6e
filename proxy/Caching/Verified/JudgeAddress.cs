namespace LlmGateway.Caching.Verified;

/// <summary>The judge's default base URL: the gateway's own first http listening address, with a wildcard host made loopback.</summary>
internal static class JudgeAddress
{
    public static string? From(IEnumerable<string> listening)
    {
        foreach (var address in listening)
        {
            if (!address.StartsWith("http://", StringComparison.OrdinalIgnoreCase))
                continue;
            // Kestrel reports the bound address as configured: "+", "*", 0.0.0.0 and [::] mean every interface.
            var rest = address["http://".Length..];
            var hostEnd = rest.StartsWith('[') ? rest.IndexOf(']') + 1 : rest.IndexOfAny([':', '/']) is var i and >= 0 ? i : rest.Length;
            var host = rest[..hostEnd] switch
            {
                "+" or "*" or "0.0.0.0" => "127.0.0.1",
                "[::]" => "[::1]",
                var other => other,
            };
            return ("http://" + host + rest[hostEnd..]).TrimEnd('/');
        }
        return null;
    }
}
