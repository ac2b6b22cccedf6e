namespace LlmGateway.Routing;

internal static class ProviderKinds
{
    public const string OpenAi = "openai";
    public const string AzureOpenAi = "azure-openai";

    public static bool IsKnown(string kind) =>
        string.Equals(kind, OpenAi, StringComparison.OrdinalIgnoreCase)
        || string.Equals(kind, AzureOpenAi, StringComparison.OrdinalIgnoreCase);
}
