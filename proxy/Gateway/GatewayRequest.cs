using System.Text.Json.Nodes;
using LlmGateway.Routing;

namespace LlmGateway.Gateway;

/// <summary>
/// The request as parsed once by <see cref="RequestParsingMiddleware"/>; every later step reads it through the exchange
/// (<see cref="IGatewayExchange.Request"/>). Only the guard edits <see cref="Body"/> (redaction, in place, before any
/// other step reads it); what the forward adds per attempt is written by <see cref="ForwardBody"/>, never into it.
/// </summary>
internal sealed class GatewayRequest(OpenAiEndpoint endpoint, JsonObject? body, ReadOnlyMemory<byte> rawBody, string? requestedModel, ModelRoute? model, bool stream)
{
    public OpenAiEndpoint Endpoint { get; } = endpoint;

    /// <summary>The JSON body, or null when the request has none or it is not JSON (then it is streamed, not buffered).</summary>
    public JsonObject? Body { get; } = body;

    /// <summary>The client's bytes, as received (empty when the body is streamed).</summary>
    public ReadOnlyMemory<byte> RawBody { get; } = rawBody;

    /// <summary>The <c>model</c> exactly as the client sent it.</summary>
    public string? RequestedModel { get; } = requestedModel;

    /// <summary>The configured model it resolved to (the routing decision); null for calls that name no model.</summary>
    public ModelRoute? Model { get; } = model;

    public bool Stream { get; } = stream;

    /// <summary>Whether the client itself asked for <c>stream_options.include_usage</c>.</summary>
    public bool ClientWantsStreamUsage { get; init; }

    /// <summary>Whether the body was buffered and can be sent again to a fallback.</summary>
    public bool IsReplayable => Body is not null;
}
