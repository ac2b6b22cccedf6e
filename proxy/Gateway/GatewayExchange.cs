using LlmGateway.Auth;
using LlmGateway.Caching;
using LlmGateway.Capture;
using LlmGateway.Routing;
using Yarp.ReverseProxy.Model;

namespace LlmGateway.Gateway;

/// <summary>
/// One request from parsing to its ledger record: created by the parsing step (<see cref="Start"/>) and set as request
/// features, the read-only <see cref="IGatewayExchange"/> for everyone and one narrow interface per writing step.
/// Each field is written once, by one step, in pipeline order (see <c>Gateway/README.md</c>); a second write is a bug
/// and throws.
/// </summary>
internal sealed class GatewayExchange : IGuardExchange, IBudgetsExchange, ICachingExchange, IFailoverExchange, ICaptureExchange
{
    private CacheOutcome? _cache;
    private CapturedResponse? _capture;
    private bool _forwardPlanned;
    private readonly HttpResponse _response;
    private HeaderDictionary? _headersOnStart;
    private bool _dropContentLength;

    private GatewayExchange(HttpResponse response, TeamIdentity team, GatewayRequest request)
    {
        _response = response;
        Team = team;
        Request = request;
    }

    public TeamIdentity Team { get; }

    public GatewayRequest Request { get; }

    public bool BodyRedacted { get; private set; }

    public ForwardPlan Forward { get; private set; } = ForwardPlan.None;

    public CacheOutcome? Cache => _cache;

    public UpstreamAttempt? Attempt { get; private set; }

    public ICapturedResponse? Capture => _capture;

    /// <summary>Creates the request's exchange and sets its features; called once, by the parsing step.</summary>
    public static GatewayExchange Start(HttpContext context, TeamIdentity team, GatewayRequest request)
    {
        var exchange = new GatewayExchange(context.Response, team, request);
        var features = context.Features;
        features.Set<IGatewayExchange>(exchange);
        features.Set<IGuardExchange>(exchange);
        features.Set<IBudgetsExchange>(exchange);
        features.Set<ICachingExchange>(exchange);
        features.Set<IFailoverExchange>(exchange);
        features.Set<ICaptureExchange>(exchange);
        // The one response-start hook of the proxy steps: what they set here survives the failover step's
        // Response.Clear() before a fallback, which a header set at once would not.
        context.Response.OnStarting(ApplyOnStart, exchange);
        return exchange;
    }

    private static readonly Func<object, Task> ApplyOnStart = static state =>
    {
        var exchange = (GatewayExchange)state;
        var response = exchange._response;
        if (exchange._headersOnStart is { } headers)
        {
            foreach (var (name, value) in headers)
                response.Headers[name] = value;
        }
        if (exchange._dropContentLength)
            response.ContentLength = null;
        return Task.CompletedTask;
    };

    private IHeaderDictionary HeadersOnStart => _headersOnStart ??= new HeaderDictionary();

    IHeaderDictionary IBudgetsExchange.HeadersOnStart => HeadersOnStart;

    IHeaderDictionary ICachingExchange.HeadersOnStart => HeadersOnStart;

    void IGuardExchange.DropContentLengthOnStart() => _dropContentLength = true;

    void IGuardExchange.MarkBodyRedacted() => BodyRedacted = true;

    void IBudgetsExchange.PlanForward(ForwardPlan plan)
    {
        if (_forwardPlanned)
            throw new InvalidOperationException("The forward was already planned for this request.");
        _forwardPlanned = true;
        Forward = plan;
    }

    void ICachingExchange.SetCacheOutcome(CacheOutcome outcome)
    {
        if (_cache is not null)
            throw new InvalidOperationException("The cache outcome was already set for this request.");
        _cache = outcome;
    }

    UpstreamAttempt IFailoverExchange.BeginAttempt(UpstreamTarget target, int index, bool isLast, ClusterState? cluster) =>
        Attempt = new UpstreamAttempt(target, index, isLast, cluster);

    CapturedResponse ICaptureExchange.StartCapture(long maxBytes, long startedTimestamp)
    {
        if (_capture is not null)
            throw new InvalidOperationException("The capture was already started for this request.");
        return _capture = new CapturedResponse(maxBytes, startedTimestamp, Forward.HoldBackEvent, Forward.Cutoff);
    }
}
