using System.Text.Encodings.Web;
using System.Text.Json;

namespace LlmGateway.Gateway;

/// <summary>Errors the gateway makes, shaped as OpenAI's: <c>{"error":{"message","type","param","code"}}</c>.</summary>
internal static class OpenAiError
{
    public const string InvalidRequest = "invalid_request_error";
    public const string Permission = "permission_error";
    public const string NotFound = "not_found_error";
    public const string Upstream = "upstream_error";
    public const string Server = "server_error";

    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static Task WriteAsync(HttpContext context, int status, string message, string type, string? param = null, string? code = null)
    {
        if (context.Response.HasStarted)
            return Task.CompletedTask;
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        return context.Response.Body.WriteAsync(Serialize(message, type, param, code), context.RequestAborted).AsTask();
    }

    /// <summary>The same error as an endpoint result (for minimal-API endpoints and filters).</summary>
    public static IResult Result(int status, string message, string type, string? param = null, string? code = null) =>
        new ErrorResult(status, Serialize(message, type, param, code));

    private sealed class ErrorResult(int status, byte[] body) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.StatusCode = status;
            httpContext.Response.ContentType = "application/json";
            return httpContext.Response.Body.WriteAsync(body, httpContext.RequestAborted).AsTask();
        }
    }

    public static byte[] Serialize(string message, string type, string? param, string? code)
    {
        using var buffer = new MemoryStream(256);
        using (var json = new Utf8JsonWriter(buffer, WriterOptions))
        {
            json.WriteStartObject();
            json.WriteStartObject("error");
            json.WriteString("message", message);
            json.WriteString("type", type);
            WriteNullable(json, "param", param);
            WriteNullable(json, "code", code);
            json.WriteEndObject();
            json.WriteEndObject();
        }
        return buffer.ToArray();
    }

    private static void WriteNullable(Utf8JsonWriter json, string name, string? value)
    {
        if (value is null) json.WriteNull(name);
        else json.WriteString(name, value);
    }
}
