using Yarp.ReverseProxy.Forwarder;

namespace LlmGateway.Routing;

/// <summary>Why an upstream attempt failed, as a bounded reason (used in logs and metric labels).</summary>
internal static class UpstreamFailure
{
    public const string Timeout = "timeout";
    public const string Connect = "connect";
    public const string Status4xx = "4xx";
    public const string Status5xx = "5xx";
    public const string Reset = "reset";

    public static string Describe(int? rejectedStatus, ForwarderError? error) => (rejectedStatus, error) switch
    {
        (>= 500, _) => Status5xx,
        (>= 400, _) => Status4xx,
        (_, ForwarderError.RequestTimedOut) => Timeout,
        (_, ForwarderError.Request or ForwarderError.NoAvailableDestinations) => Connect,
        _ => Reset,
    };
}
