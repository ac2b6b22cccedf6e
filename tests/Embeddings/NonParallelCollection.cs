namespace LlmGateway.Tests.Embeddings;

/// <summary>Tests that measure process-wide state (memory) and must not run beside other tests.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class NonParallelCollection
{
    public const string Name = "Embeddings non-parallel";
}
