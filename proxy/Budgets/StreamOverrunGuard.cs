using LlmGateway.Budgets.Accounts;
using LlmGateway.Budgets.Usage;
using LlmGateway.Capture;
using LlmGateway.Gateway;
using LlmGateway.Routing;

namespace LlmGateway.Budgets;

/// <summary>
/// Ends a streamed answer whose output runs past the completion tokens its reservation was priced on by more than
/// the allowed margin (a provider that ignores <c>max_tokens</c>): the event that would pass the limit is not
/// forwarded, the client gets an OpenAI-shaped <c>max_tokens_exceeded</c> error event instead, and the capture
/// aborts the provider's call. The settlement then charges at least <see cref="DeliveredTokens"/>.
/// See README "The overspend bound".
/// </summary>
internal sealed class StreamOverrunGuard : IStreamCutoff
{
    private readonly StreamedOutputCounter _counter = new();
    private readonly HttpContext _context;
    private readonly string _team;
    private readonly BudgetMetrics _metrics;
    private readonly ILogger _logger;

    private StreamOverrunGuard(HttpContext context, string team, long reservedTokens, AccountingOptions options, BudgetMetrics metrics, ILogger logger)
    {
        _context = context;
        _team = team;
        _metrics = metrics;
        _logger = logger;
        ReservedTokens = reservedTokens;
        LimitTokens = Limit(reservedTokens, options);
    }

    /// <summary>The completion tokens the reservation was priced on (<c>max_tokens</c> or the model's cap, times <c>n</c>).</summary>
    public long ReservedTokens { get; }

    /// <summary>The most output tokens the client may receive: <see cref="ReservedTokens"/> plus the margin.</summary>
    public long LimitTokens { get; }

    /// <summary>Output tokens counted (erring high) in the events forwarded so far; never more than <see cref="LimitTokens"/>.</summary>
    public long DeliveredTokens => _counter.Tokens;

    /// <summary>True once the stream was ended.</summary>
    public bool Tripped { get; private set; }

    public ReadOnlyMemory<byte> FinalEvent { get; private set; }

    /// <summary><paramref name="reservedTokens"/> + <c>StreamOverrunPercent</c> of it (rounded up) + <c>StreamOverrunTokens</c>.</summary>
    public static long Limit(long reservedTokens, AccountingOptions options) =>
        reservedTokens + (reservedTokens * options.StreamOverrunPercent + 99) / 100 + options.StreamOverrunTokens;

    /// <summary>A guard for a streamed request that holds a reservation with a completion cap; null otherwise (nothing to guard).</summary>
    public static StreamOverrunGuard? For(HttpContext context, GatewayRequest request, string team, Reservation? reservation, long reservedCompletionTokens,
        AccountingOptions options, BudgetMetrics metrics, ILogger logger) =>
        reservation is null || !request.Stream || reservedCompletionTokens <= 0
            ? null
            : new StreamOverrunGuard(context, team, reservedCompletionTokens, options, metrics, logger);

    public bool Admits(ReadOnlyMemory<byte> sseEvent)
    {
        if (Tripped)
            return false;
        var text = StreamedOutputCounter.Measure(sseEvent);
        if (_counter.TokensWith(text) <= LimitTokens)
        {
            _counter.Add(text);
            return true;
        }
        Tripped = true;
        FinalEvent = BudgetErrors.StreamOverrunEvent(ReservedTokens, DeliveredTokens);
        var model = _context.Exchange()?.Attempt?.Target.Model ?? "";
        _metrics.StreamCut(_team, model);
        BudgetsLog.StreamCut(_logger, _context.TraceIdentifier, _team, model, DeliveredTokens, ReservedTokens, LimitTokens);
        return false;
    }
}
