namespace LlmGateway.Tests.Gateway;

public sealed class SmokeTests
{
    [Fact]
    public void Builds() => Assert.True(typeof(Program).Assembly.GetName().Name == "LlmGateway");
}
