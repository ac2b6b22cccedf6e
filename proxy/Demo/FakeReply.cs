using System.Buffers;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;

namespace LlmGateway.Demo;

/// <summary>One fake answer, written as JSON or as OpenAI-format SSE for chat, completions and responses.</summary>
internal sealed class FakeReply(string id, long created, string model, string answer, int promptTokens, FakeBehaviour behaviour, TimeProvider time)
{
    private readonly string[] _words = answer.Split(' ');

    private int CompletionTokens => _words.Length;

    public Task WriteChatAsync(HttpContext context) => WriteJsonAsync(context, json =>
    {
        Header(json, "chat.completion");
        json.WriteStartArray("choices");
        json.WriteStartObject();
        json.WriteNumber("index", 0);
        json.WriteStartObject("message");
        json.WriteString("role", "assistant");
        json.WriteString("content", answer);
        json.WriteNull("refusal");
        json.WriteEndObject();
        json.WriteNull("logprobs");
        json.WriteString("finish_reason", behaviour.FinishReason);
        json.WriteEndObject();
        json.WriteEndArray();
        Usage(json, "prompt_tokens", "completion_tokens");
        json.WriteEndObject();
    });

    public Task WriteCompletionAsync(HttpContext context) => WriteJsonAsync(context, json =>
    {
        Header(json, "text_completion");
        json.WriteStartArray("choices");
        json.WriteStartObject();
        json.WriteString("text", answer);
        json.WriteNumber("index", 0);
        json.WriteNull("logprobs");
        json.WriteString("finish_reason", behaviour.FinishReason);
        json.WriteEndObject();
        json.WriteEndArray();
        Usage(json, "prompt_tokens", "completion_tokens");
        json.WriteEndObject();
    });

    public Task WriteResponseAsync(HttpContext context) => WriteJsonAsync(context, json => Response(json, "completed"));

    public async Task WriteChatStreamAsync(HttpContext context, bool includeUsage)
    {
        StartStream(context);
        var sent = 0;
        for (var i = -1; i <= _words.Length; i++)
        {
            if (!await BeforeChunkAsync(context, sent++))
                return;
            await WriteEventAsync(context, null, json =>
            {
                Header(json, "chat.completion.chunk");
                json.WriteStartArray("choices");
                json.WriteStartObject();
                json.WriteNumber("index", 0);
                json.WriteStartObject("delta");
                if (i == -1) { json.WriteString("role", "assistant"); json.WriteString("content", ""); }
                else if (i < _words.Length) json.WriteString("content", i == 0 ? _words[i] : " " + _words[i]);
                json.WriteEndObject();
                json.WriteNull("logprobs");
                if (i == _words.Length) json.WriteString("finish_reason", behaviour.FinishReason);
                else json.WriteNull("finish_reason");
                json.WriteEndObject();
                json.WriteEndArray();
                if (includeUsage) json.WriteNull("usage");
                json.WriteEndObject();
            });
        }
        await WriteUsageAndDoneAsync(context, "chat.completion.chunk", includeUsage);
    }

    public async Task WriteCompletionStreamAsync(HttpContext context, bool includeUsage)
    {
        StartStream(context);
        for (var i = 0; i <= _words.Length; i++)
        {
            if (!await BeforeChunkAsync(context, i))
                return;
            await WriteEventAsync(context, null, json =>
            {
                Header(json, "text_completion");
                json.WriteStartArray("choices");
                json.WriteStartObject();
                json.WriteString("text", i < _words.Length ? (i == 0 ? _words[i] : " " + _words[i]) : "");
                json.WriteNumber("index", 0);
                json.WriteNull("logprobs");
                if (i == _words.Length) json.WriteString("finish_reason", behaviour.FinishReason);
                else json.WriteNull("finish_reason");
                json.WriteEndObject();
                json.WriteEndArray();
                json.WriteEndObject();
            });
        }
        await WriteUsageAndDoneAsync(context, "text_completion", includeUsage);
    }

    /// <summary>The final usage chunk (when asked for and not suppressed), then <c>[DONE]</c>.</summary>
    private async Task WriteUsageAndDoneAsync(HttpContext context, string chunkType, bool includeUsage)
    {
        if (includeUsage && !behaviour.NoUsage)
        {
            await WriteEventAsync(context, null, json =>
            {
                Header(json, chunkType);
                json.WriteStartArray("choices");
                json.WriteEndArray();
                Usage(json, "prompt_tokens", "completion_tokens");
                json.WriteEndObject();
            });
        }
        await WriteDoneAsync(context);
    }

    public async Task WriteResponseStreamAsync(HttpContext context)
    {
        StartStream(context);
        var sequence = 0;
        await WriteResponseEventAsync(context, "response.created", sequence++, "in_progress");
        for (var i = 0; i < _words.Length; i++)
        {
            if (!await BeforeChunkAsync(context, i + 1))
                return;
            await WriteEventAsync(context, "response.output_text.delta", json =>
            {
                json.WriteStartObject();
                json.WriteString("type", "response.output_text.delta");
                json.WriteNumber("sequence_number", sequence++);
                json.WriteString("item_id", "msg_" + id);
                json.WriteNumber("output_index", 0);
                json.WriteNumber("content_index", 0);
                json.WriteString("delta", i == 0 ? _words[i] : " " + _words[i]);
                json.WriteEndObject();
            });
        }
        await WriteResponseEventAsync(context, "response.completed", sequence++, "completed");
    }

    /// <summary>A Responses-API event that carries the whole response object.</summary>
    private Task WriteResponseEventAsync(HttpContext context, string type, int sequence, string status) =>
        WriteEventAsync(context, type, json =>
        {
            json.WriteStartObject();
            json.WriteString("type", type);
            json.WriteNumber("sequence_number", sequence);
            json.WritePropertyName("response");
            Response(json, status);
            json.WriteEndObject();
        });

    private void Header(Utf8JsonWriter json, string type)
    {
        json.WriteStartObject();
        json.WriteString("id", id);
        json.WriteString("object", type);
        json.WriteNumber("created", created);
        json.WriteString("model", model);
        json.WriteString("system_fingerprint", "fp_fake");
    }

    private void Usage(Utf8JsonWriter json, string input, string output)
    {
        if (behaviour.NoUsage)
            return;
        json.WriteStartObject("usage");
        json.WriteNumber(input, promptTokens);
        json.WriteNumber(output, CompletionTokens);
        json.WriteNumber("total_tokens", promptTokens + CompletionTokens);
        if (input == "prompt_tokens")
        {
            json.WriteStartObject("prompt_tokens_details");
            json.WriteNumber("cached_tokens", 0);
            json.WriteEndObject();
        }
        json.WriteEndObject();
    }

    private void Response(Utf8JsonWriter json, string status)
    {
        json.WriteStartObject();
        json.WriteString("id", id);
        json.WriteString("object", "response");
        json.WriteNumber("created_at", created);
        json.WriteString("status", status);
        json.WriteString("model", model);
        json.WriteStartArray("output");
        if (status == "completed")
        {
            json.WriteStartObject();
            json.WriteString("type", "message");
            json.WriteString("id", "msg_" + id);
            json.WriteString("status", "completed");
            json.WriteString("role", "assistant");
            json.WriteStartArray("content");
            json.WriteStartObject();
            json.WriteString("type", "output_text");
            json.WriteString("text", answer);
            json.WriteStartArray("annotations");
            json.WriteEndArray();
            json.WriteEndObject();
            json.WriteEndArray();
            json.WriteEndObject();
        }
        json.WriteEndArray();
        if (status == "completed")
            Usage(json, "input_tokens", "output_tokens");
        json.WriteEndObject();
    }

    private static void StartStream(HttpContext context)
    {
        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        context.Response.ContentType = "text/event-stream; charset=utf-8";
        context.Response.Headers.CacheControl = "no-cache";
    }

    /// <summary>Waits the chunk cadence; resets the connection when the behaviour says so.</summary>
    private async Task<bool> BeforeChunkAsync(HttpContext context, int sent)
    {
        if (behaviour.ResetAfterChunks is { } limit && sent >= limit)
        {
            await context.Response.Body.FlushAsync();
            // Let what was sent reach the wire before the reset (an abort drops what Kestrel has not written yet): real
            // time, whatever clock the fake runs on; 100 ms once was not enough on a busy CI machine. A test that must be
            // sure runs the chunk cadence on a clock it moves and waits to see a chunk (RoutingMetricsTests).
            await Task.Delay(500);
            context.Abort();
            return false;
        }
        if (sent > 0 && behaviour.ChunkDelayMs > 0)
            await Task.Delay(TimeSpan.FromMilliseconds(behaviour.ChunkDelayMs), time, context.RequestAborted);
        return true;
    }

    private static async Task WriteEventAsync(HttpContext context, string? eventName, Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        if (eventName is not null)
            buffer.Write(System.Text.Encoding.UTF8.GetBytes($"event: {eventName}\n"));
        buffer.Write("data: "u8);
        using (var json = new Utf8JsonWriter(buffer))
            write(json);
        buffer.Write("\n\n"u8);
        await context.Response.Body.WriteAsync(buffer.WrittenMemory, context.RequestAborted);
        await context.Response.Body.FlushAsync(context.RequestAborted);
    }

    private static async Task WriteDoneAsync(HttpContext context)
    {
        await context.Response.Body.WriteAsync("data: [DONE]\n\n"u8.ToArray(), context.RequestAborted);
        await context.Response.Body.FlushAsync(context.RequestAborted);
    }

    private static async Task WriteJsonAsync(HttpContext context, Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var json = new Utf8JsonWriter(buffer))
            write(json);
        context.Response.ContentType = "application/json";
        context.Response.ContentLength = buffer.WrittenCount;
        await context.Response.Body.WriteAsync(buffer.WrittenMemory, context.RequestAborted);
    }
}
