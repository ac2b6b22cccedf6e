namespace LlmGateway.Tests.Infrastructure;

/// <summary>Reads server-sent events the way an OpenAI client does.</summary>
public static class Sse
{
    public static async IAsyncEnumerable<string> ReadDataAsync(Stream stream)
    {
        using var reader = new StreamReader(stream);
        while (await reader.ReadLineAsync() is { } line)
        {
            if (line.StartsWith("data: ", StringComparison.Ordinal))
                yield return line["data: ".Length..];
        }
    }
}
