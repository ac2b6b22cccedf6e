using System.Text.Json;
using System.Text.Json.Nodes;
using LlmGateway.Routing;

namespace LlmGateway.Gateway;

/// <summary>
/// The request as parsed once by <see cref="RequestParsingMiddleware"/>; every later step works on it.
/// Set as a request feature.
/// </summary>
internal sealed class GatewayRequest
{
    private ReadOnlyMemory<byte> _rawBody;
    private bool _bodyEdited;

    public GatewayRequest(OpenAiEndpoint endpoint, JsonObject? body, ReadOnlyMemory<byte> rawBody, string? requestedModel, ModelRoute? model, bool stream)
    {
        Endpoint = endpoint;
        Body = body;
        _rawBody = rawBody;
        RequestedModel = requestedModel;
        Model = model;
        Stream = stream;
    }

    public OpenAiEndpoint Endpoint { get; }

    /// <summary>The JSON body, or null when the request has none or it is not JSON (then it is streamed, not buffered).</summary>
    public JsonObject? Body { get; }

    /// <summary>The <c>model</c> exactly as the client sent it.</summary>
    public string? RequestedModel { get; }

    /// <summary>The configured model it resolved to; null for calls that name no model.</summary>
    public ModelRoute? Model { get; }

    public bool Stream { get; }

    /// <summary>Whether the client itself asked for <c>stream_options.include_usage</c> (later steps may add it for their own needs).</summary>
    public bool ClientWantsStreamUsage { get; init; }

    /// <summary>Whether the body was buffered and can be sent again to a fallback.</summary>
    public bool IsReplayable => Body is not null;

    /// <summary>Call after editing <see cref="Body"/> so the edit is serialised for the provider.</summary>
    public void MarkBodyEdited() => _bodyEdited = true;

    /// <summary>The bytes to send to <paramref name="target"/>: the client's own bytes when nothing changed, else the edited body with the upstream model name.</summary>
    public ReadOnlyMemory<byte> BodyFor(UpstreamTarget target)
    {
        if (Body is null)
            return _rawBody;
        if (!_bodyEdited && string.Equals(target.UpstreamModel, RequestedModel, StringComparison.Ordinal))
            return _rawBody;
        if (RequestedModel is not null)
            Body["model"] = target.UpstreamModel;
        return JsonSerializer.SerializeToUtf8Bytes(Body);
    }
}
