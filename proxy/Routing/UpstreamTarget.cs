namespace LlmGateway.Routing;

/// <summary>One place a request can go: a configured model on its provider, with the name the provider knows it by.</summary>
internal sealed record UpstreamTarget(string Model, Provider Provider, string UpstreamModel);
