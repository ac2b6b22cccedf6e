namespace LlmGateway.Demo;

/// <summary>A request as the fake upstream received it.</summary>
public sealed record FakeUpstreamRequest(string Method, string Path, string Query, IReadOnlyDictionary<string, string> Headers, string Body);
