using System.CommandLine;

namespace LlmGateway.Auth;

/// <summary><c>LlmGateway keys new</c>: prints a new team key once, with the digest that goes in config.</summary>
internal static class KeysCommand
{
    public static Command Create()
    {
        var create = new Command("new", "Create a team or admin key: prints it once, with the SHA-256 digest that goes in config.");
        create.SetAction(parsed =>
        {
            var output = parsed.InvocationConfiguration.Output;
            var key = TeamKeys.NewKey();
            output.WriteLine($"key:       {key}");
            output.WriteLine($"KeySha256: {TeamKeys.Sha256Hex(key)}");
            output.WriteLine("Give the key to the team (it is not shown again); put the digest under Gateway:Teams:{team}:KeySha256.");
        });
        return new Command("keys", "Team and admin keys.") { create };
    }
}
