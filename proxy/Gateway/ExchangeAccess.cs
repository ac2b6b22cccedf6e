namespace LlmGateway.Gateway;

/// <summary>The request's exchange, read-only, for any step after parsing, the metrics and the access log.</summary>
internal static class ExchangeAccess
{
    /// <summary>Null when the request was not parsed (not a proxied call, or refused before parsing ended).</summary>
    public static IGatewayExchange? Exchange(this HttpContext context) => context.Features.Get<IGatewayExchange>();
}
