using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace LlmGateway.Demo;

/// <summary>Produces the fake upstream's answers, shaped as OpenAI's for each endpoint.</summary>
internal sealed class FakeResponder(FakeUpstreamOptions options, TimeProvider time)
{
    private long _sequence;

    public async Task RespondAsync(HttpContext context)
    {
        var request = context.Request;
        var behaviour = FakeBehaviour.From(options, request.Headers);
        if (behaviour.LatencyMs > 0)
            await Task.Delay(TimeSpan.FromMilliseconds(behaviour.LatencyMs), time, context.RequestAborted);
        if (behaviour.Status is { } status and not 200)
        {
            await WriteErrorAsync(context, status, behaviour);
            return;
        }

        var path = request.Path.Value ?? "";
        var operation = path.EndsWith("/completions", StringComparison.Ordinal) || path.EndsWith("/responses", StringComparison.Ordinal) || path.EndsWith("/embeddings", StringComparison.Ordinal);
        if (operation && !HttpMethods.IsPost(request.Method))
        {
            context.Response.StatusCode = StatusCodes.Status405MethodNotAllowed;
            await context.Response.WriteAsync("{\"error\":{\"message\":\"fake upstream: use POST\",\"type\":\"invalid_request_error\",\"param\":null,\"code\":null}}");
            return;
        }
        JsonObject? body = null;
        if (HttpMethods.IsPost(request.Method))
        {
            try { body = await JsonNode.ParseAsync(request.Body, cancellationToken: context.RequestAborted) as JsonObject; }
            catch (JsonException) { body = null; }
            if (body is null)
            {
                context.Response.StatusCode = 400;
                await context.Response.WriteAsync("{\"error\":{\"message\":\"fake upstream: body is not a JSON object\",\"type\":\"invalid_request_error\",\"param\":null,\"code\":null}}");
                return;
            }
        }

        var id = Interlocked.Increment(ref _sequence);
        var model = body?["model"]?.GetValue<string>() ?? "fake-model";
        var stream = body?["stream"]?.GetValue<bool>() ?? false;
        var includeUsage = body?["stream_options"]?["include_usage"]?.GetValue<bool>() ?? false;
        var created = time.GetUtcNow().ToUnixTimeSeconds();
        if (path.EndsWith("/chat/completions", StringComparison.Ordinal))
        {
            var prompt = ChatPromptText(body!);
            var answer = behaviour.Shape(Answer(LastUserText(body!)));
            var reply = new FakeReply($"chatcmpl-fake-{id}", created, model, answer, CountTokens(prompt), behaviour, time);
            await (stream ? reply.WriteChatStreamAsync(context, includeUsage) : reply.WriteChatAsync(context));
        }
        else if (path.EndsWith("/completions", StringComparison.Ordinal))
        {
            var prompt = body!["prompt"]?.ToString() ?? "";
            var reply = new FakeReply($"cmpl-fake-{id}", created, model, behaviour.Shape(Answer(prompt)), CountTokens(prompt), behaviour, time);
            await (stream ? reply.WriteCompletionStreamAsync(context, includeUsage) : reply.WriteCompletionAsync(context));
        }
        else if (path.EndsWith("/responses", StringComparison.Ordinal))
        {
            var input = body!["input"] is JsonValue v ? v.ToString() : body["input"]?.ToJsonString() ?? "";
            var reply = new FakeReply($"resp_fake{id}", created, model, behaviour.Shape(Answer(input)), CountTokens(input), behaviour, time);
            await (stream ? reply.WriteResponseStreamAsync(context) : reply.WriteResponseAsync(context));
        }
        else if (path.EndsWith("/embeddings", StringComparison.Ordinal))
        {
            await WriteEmbeddingsAsync(context, body!, model);
        }
        else if (path.EndsWith("/models", StringComparison.Ordinal))
        {
            await context.Response.WriteAsJsonAsync(new { @object = "list", data = new[] { new { id = "fake-model", @object = "model", created = 0, owned_by = "fake" } } });
        }
        else
        {
            await context.Response.WriteAsJsonAsync(new { @object = "fake.echo", method = request.Method, path, query = request.QueryString.Value });
        }
    }

    private static async Task WriteErrorAsync(HttpContext context, int status, FakeBehaviour behaviour)
    {
        var message = behaviour.EchoCredential
            ? "Incorrect API key provided: " + context.Request.Headers.Authorization
            : $"fake upstream error {status}";
        var body = JsonSerializer.SerializeToUtf8Bytes(new { error = new { message, type = "server_error", param = (string?)null, code = (string?)null } });
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        if (behaviour.GzipError)
        {
            using var compressed = new MemoryStream();
            using (var gzip = new System.IO.Compression.GZipStream(compressed, System.IO.Compression.CompressionLevel.Fastest, leaveOpen: true))
                gzip.Write(body);
            body = compressed.ToArray();
            context.Response.Headers.ContentEncoding = "gzip";
        }
        await context.Response.Body.WriteAsync(body, context.RequestAborted);
    }

    /// <summary>A deterministic answer that names what was asked, so tests can tell answers apart.</summary>
    public static string Answer(string question)
    {
        var trimmed = question.Length > 120 ? question[..120] : question;
        return $"This is the fake upstream's answer to: {trimmed}";
    }

    /// <summary>The fake's token count: whitespace-separated words (deterministic, close enough for tests).</summary>
    public static int CountTokens(string text) => text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length;

    private static string LastUserText(JsonObject body)
    {
        if (body["messages"] is not JsonArray messages)
            return "";
        for (var i = messages.Count - 1; i >= 0; i--)
        {
            if (messages[i]?["role"]?.GetValue<string>() == "user")
                return ContentText(messages[i]!["content"]);
        }
        return "";
    }

    private static string ChatPromptText(JsonObject body)
    {
        if (body["messages"] is not JsonArray messages)
            return "";
        var text = new StringBuilder();
        foreach (var message in messages)
            text.Append(ContentText(message?["content"])).Append(' ');
        return text.ToString();
    }

    private static string ContentText(JsonNode? content) => content switch
    {
        JsonValue value when value.GetValueKind() == JsonValueKind.String => value.GetValue<string>(),
        JsonArray parts => string.Join(" ", parts.Select(p => p?["text"]?.GetValue<string>()).Where(t => t is not null)),
        _ => "",
    };

    private static async Task WriteEmbeddingsAsync(HttpContext context, JsonObject body, string model)
    {
        var inputs = body["input"] switch
        {
            JsonArray array => array.Select(i => i?.ToJsonString() ?? "").ToList(),
            var single => [single?.ToString() ?? ""],
        };
        var dimensions = body["dimensions"]?.GetValue<int>() ?? 16;
        var base64 = body["encoding_format"]?.GetValue<string>() == "base64";
        var tokens = inputs.Sum(CountTokens);
        context.Response.ContentType = "application/json";
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("object", "list");
            json.WriteStartArray("data");
            for (var i = 0; i < inputs.Count; i++)
            {
                var vector = FakeVector(inputs[i], dimensions);
                json.WriteStartObject();
                json.WriteString("object", "embedding");
                json.WriteNumber("index", i);
                if (base64)
                {
                    json.WriteBase64String("embedding", System.Runtime.InteropServices.MemoryMarshal.AsBytes(vector.AsSpan()));
                }
                else
                {
                    json.WriteStartArray("embedding");
                    foreach (var x in vector) json.WriteNumberValue(x);
                    json.WriteEndArray();
                }
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteString("model", model);
            json.WriteStartObject("usage");
            json.WriteNumber("prompt_tokens", tokens);
            json.WriteNumber("total_tokens", tokens);
            json.WriteEndObject();
            json.WriteEndObject();
        }
        await context.Response.Body.WriteAsync(buffer.WrittenMemory, context.RequestAborted);
    }

    private static float[] FakeVector(string text, int dimensions)
    {
        var vector = new float[dimensions];
        var seed = Fnv1a(text) | 1u;
        var state = seed;
        double norm = 0;
        for (var i = 0; i < dimensions; i++)
        {
            state ^= state << 13; state ^= state >> 17; state ^= state << 5;
            vector[i] = (state / (float)uint.MaxValue) - 0.5f;
            norm += vector[i] * vector[i];
        }
        var scale = (float)(1 / Math.Sqrt(norm));
        for (var i = 0; i < dimensions; i++) vector[i] *= scale;
        return vector;
    }

    private static uint Fnv1a(string text)
    {
        var hash = 2166136261u;
        foreach (var c in text)
            hash = (hash ^ c) * 16777619u;
        return hash;
    }
}
