using System.Collections.Frozen;

namespace LlmGateway.Gateway;

/// <summary>
/// Query parameters that carry credentials (<c>?api_key=</c>, <c>/admin/login?key=</c>, ...): the one list of them.
/// Their values are redacted in the gateway's access log, and they are removed before a request goes to a
/// provider (which gets the gateway's own key, never the client's).
/// </summary>
internal static class CredentialQuery
{
    public const string Redacted = "[redacted]";

    // Compared case-insensitively, after URL-decoding. code and sig: Azure Functions keys and SAS signatures;
    // link: the admin sign-in link's one-time token.
    private static readonly FrozenSet<string> Names = new[]
    {
        "api_key", "api-key", "apikey", "x-api-key", "key", "access_token", "id_token", "token",
        "client_secret", "password", "code", "sig", "link",
    }.ToFrozenSet(StringComparer.OrdinalIgnoreCase);

    /// <summary>Whether a (decoded) query parameter name carries a credential.</summary>
    public static bool IsCredential(string name) => Names.Contains(name);

    /// <summary>The query as received (with its '?'), every credential's value replaced by <see cref="Redacted"/>; "" when there is none.</summary>
    public static string Redact(QueryString query)
    {
        if (query.Value is not { Length: > 1 } value)
            return "";
        var pairs = value[1..].Split('&');
        var changed = false;
        for (var i = 0; i < pairs.Length; i++)
        {
            var equals = pairs[i].IndexOf('=');
            var name = equals < 0 ? pairs[i] : pairs[i][..equals];
            // Decoded as ASP.NET Core decodes it, so ?api%5Fkey= is caught too.
            if (IsCredential(Uri.UnescapeDataString(name.Replace('+', ' '))))
            {
                pairs[i] = name + "=" + Redacted;
                changed = true;
            }
        }
        return changed ? "?" + string.Join('&', pairs) : value;
    }
}
