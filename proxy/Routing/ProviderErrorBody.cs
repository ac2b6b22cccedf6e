using System.IO.Compression;
using System.Text;
using System.Text.Json;
using LlmGateway.Gateway;

namespace LlmGateway.Routing;

/// <summary>
/// Relays a provider's error answer with the provider's key replaced by <see cref="Placeholder"/>: providers
/// echo the credential they refused ("Incorrect API key provided: sk-..."), and that credential is the gateway's.
/// The body is read whole (error bodies are small) up to <see cref="MaxBytes"/>, decoded from gzip, deflate or br,
/// and sent uncompressed with its new length. A body that cannot be checked is withheld, not passed through.
/// </summary>
internal static class ProviderErrorBody
{
    public const string Placeholder = "sk-...redacted";
    public const int MaxBytes = 1024 * 1024;

    private static readonly byte[] PlaceholderBytes = Encoding.UTF8.GetBytes(Placeholder);

    public static async Task RelayScrubbedAsync(HttpContext context, HttpResponseMessage response, string key, CancellationToken cancellationToken)
    {
        var body = await ReadDecodedAsync(response.Content, cancellationToken);
        var client = context.Response;
        client.Headers.Remove(Microsoft.Net.Http.Headers.HeaderNames.ContentEncoding);
        if (body is null)
        {
            client.ContentLength = null;
            await OpenAiError.WriteAsync(context, client.StatusCode,
                $"The provider answered {client.StatusCode} with an error body the gateway could not check for credentials (over {MaxBytes} bytes or in an unknown encoding), so it was withheld.",
                OpenAiError.Upstream, code: "provider_error_withheld");
            return;
        }
        var scrubbed = Scrub(body, key);
        client.ContentLength = scrubbed.Length;
        await client.Body.WriteAsync(scrubbed, cancellationToken);
    }

    /// <summary><paramref name="body"/> with every occurrence of <paramref name="key"/>, raw or JSON-escaped, replaced by <see cref="Placeholder"/>.</summary>
    public static byte[] Scrub(byte[] body, string key)
    {
        var scrubbed = Replace(body, Encoding.UTF8.GetBytes(key));
        // A key with '+', '/' or '=' (base64-style) is written escaped by some JSON writers (\u002B).
        var escaped = JsonEncodedText.Encode(key).Value;
        return escaped == key ? scrubbed : Replace(scrubbed, Encoding.UTF8.GetBytes(escaped));
    }

    private static byte[] Replace(byte[] body, byte[] secret)
    {
        ReadOnlySpan<byte> rest = body;
        var at = rest.IndexOf(secret);
        if (at < 0)
            return body;
        using var output = new MemoryStream(body.Length);
        while (at >= 0)
        {
            output.Write(rest[..at]);
            output.Write(PlaceholderBytes);
            rest = rest[(at + secret.Length)..];
            at = rest.IndexOf(secret);
        }
        output.Write(rest);
        return output.ToArray();
    }

    /// <summary>
    /// The decoded body, or null when it is larger than <see cref="MaxBytes"/> or its encoding is not read here. A connection
    /// that fails mid-body throws, and YARP answers 502 (or the next fallback is tried).
    /// </summary>
    private static async Task<byte[]?> ReadDecodedAsync(HttpContent content, CancellationToken cancellationToken)
    {
        var encodings = content.Headers.ContentEncoding;
        if (encodings.Count > 1 || content.Headers.ContentLength > MaxBytes)
            return null;
        var raw = await content.ReadAsStreamAsync(cancellationToken);
        await using var decoded = encodings.FirstOrDefault()?.ToLowerInvariant() switch
        {
            null or "identity" => raw,
            "gzip" or "x-gzip" => new GZipStream(raw, CompressionMode.Decompress),
            "deflate" => new ZLibStream(raw, CompressionMode.Decompress),
            "br" => new BrotliStream(raw, CompressionMode.Decompress),
            _ => null,
        };
        if (decoded is null)
        {
            await raw.DisposeAsync();
            return null;
        }
        using var body = new MemoryStream();
        var buffer = new byte[16 * 1024];
        try
        {
            int read;
            while ((read = await decoded.ReadAsync(buffer, cancellationToken)) > 0)
            {
                if (body.Length + read > MaxBytes)
                    return null;
                body.Write(buffer, 0, read);
            }
        }
        catch (InvalidDataException)
        {
            return null; // compressed data that does not decode
        }
        return body.ToArray();
    }
}
