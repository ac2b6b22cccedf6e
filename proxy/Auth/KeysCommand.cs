namespace LlmGateway.Auth;

/// <summary><c>LlmGateway keys new</c>: prints a new team key once, with the digest that goes in config.</summary>
internal static class KeysCommand
{
    public static int Run(string[] args, TextWriter output)
    {
        if (args.Length < 2 || args[1] != "new")
        {
            output.WriteLine("usage: LlmGateway keys new");
            return 2;
        }
        var key = TeamKeys.NewKey();
        output.WriteLine($"key:       {key}");
        output.WriteLine($"KeySha256: {TeamKeys.Sha256Hex(key)}");
        output.WriteLine("Give the key to the team (it is not shown again); put the digest under Gateway:Teams:{team}:KeySha256.");
        return 0;
    }
}
