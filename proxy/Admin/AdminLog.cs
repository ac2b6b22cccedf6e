namespace LlmGateway.Admin;

internal static partial class AdminLog
{
    [LoggerMessage(1200, LogLevel.Warning, "Admin sign-in refused ({Reason}) from {RemoteIp}", EventName = "SignInRefused")]
    public static partial void SignInRefused(ILogger logger, string reason, string remoteIp);
}
