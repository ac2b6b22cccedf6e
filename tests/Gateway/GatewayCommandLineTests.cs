using LlmGateway.Auth;
using LlmGateway.Gateway;

namespace LlmGateway.Tests.Gateway;

public sealed class GatewayCommandLineTests
{
    [Theory]
    [InlineData]
    [InlineData("--urls", "http://127.0.0.1:8080")]
    [InlineData("--config", "config/gateway.json", "--urls", "http://127.0.0.1:0")]
    [InlineData("--Gateway:Storage:Path=/srv/data")]
    public void The_gateway_runs_own_arguments_never_reach_the_command_parser(params string[] args) =>
        Assert.False(GatewayCommandLine.IsCommand(args));

    [Theory]
    [InlineData("keys")]
    [InlineData("usage")]
    [InlineData("fake-upstream")]
    [InlineData("help")]
    [InlineData("--help")]
    [InlineData("-h")]
    [InlineData("bogus")]
    public void Verbs_help_and_unknown_words_go_to_the_command_parser(string first) =>
        Assert.True(GatewayCommandLine.IsCommand([first, "--urls", "x"]));

    [Theory]
    [InlineData(new[] { "--help" }, "fake-upstream")]
    [InlineData(new[] { "help" }, "usage")]
    [InlineData(new[] { "keys", "--help" }, "new")]
    [InlineData(new[] { "keys", "new", "--help" }, "digest")]
    [InlineData(new[] { "usage", "--help" }, "--storage")]
    [InlineData(new[] { "fake-upstream", "--help" }, "--chunk-delay-ms")]
    public async Task Every_verb_has_help(string[] args, string expected)
    {
        var output = new StringWriter();
        Assert.Equal(0, await GatewayCommandLine.InvokeAsync(args, output, TextWriter.Null));
        Assert.Contains(expected, output.ToString());
    }

    [Theory]
    [InlineData("bogus")]
    [InlineData("keys")]
    [InlineData("keys", "old")]
    public async Task An_unknown_or_missing_verb_is_a_usage_error(params string[] args)
    {
        var error = new StringWriter();
        Assert.Equal(GatewayCommandLine.UsageError, await GatewayCommandLine.InvokeAsync(args, TextWriter.Null, error));
        Assert.NotEmpty(error.ToString());
    }

    [Fact]
    public async Task Keys_new_prints_a_key_and_its_digest_for_config()
    {
        var output = new StringWriter();

        Assert.Equal(0, await GatewayCommandLine.InvokeAsync(["keys", "new"], output, TextWriter.Null));

        var lines = output.ToString().Split('\n');
        var key = lines.Single(l => l.StartsWith("key:", StringComparison.Ordinal))["key:".Length..].Trim();
        var digest = lines.Single(l => l.StartsWith("KeySha256:", StringComparison.Ordinal))["KeySha256:".Length..].Trim();
        Assert.StartsWith("sk-gw-", key);
        Assert.Equal(TeamKeys.Sha256Hex(key), digest);
    }
}
