using Microsoft.Extensions.Primitives;

namespace LlmGateway.Gateway;

/// <summary>
/// Holds the current <see cref="GatewayState"/>. Invalid config fails startup with every error listed;
/// an invalid reload keeps the last good state and logs why. (<c>IOptionsMonitor</c> cannot keep the last good
/// value when a reload is invalid, so the gateway's own store does it.) A valid reload that changes a key read only
/// at startup (<see cref="StartupOnlyKeys"/>) is applied for the rest and logged.
/// </summary>
internal sealed class GatewayConfigStore : IDisposable
{
    private readonly IConfiguration _configuration;
    private readonly ILogger<GatewayConfigStore> _logger;
    private readonly IDisposable _reloadRegistration;
    private readonly Lock _reloadLock = new();
    private readonly StartupOnlyKeys _startupOnly;
    private volatile GatewayState _current;

    public GatewayConfigStore(IConfiguration configuration, ILogger<GatewayConfigStore> logger)
    {
        _configuration = configuration;
        _logger = logger;
        var errors = new List<string>();
        _current = GatewayStateBuilder.TryBuild(configuration, 1, errors) ?? throw new GatewayConfigException(errors);
        _startupOnly = new StartupOnlyKeys(configuration);
        _reloadRegistration = ChangeToken.OnChange(configuration.GetReloadToken, Reload);
    }

    public GatewayState Current => _current;

    /// <summary>Raised after a valid reload replaced <see cref="Current"/>.</summary>
    public event Action<GatewayState>? Changed;

    /// <summary>Raised after each reload attempt with whether it was applied (for metrics).</summary>
    public event Action<bool>? ReloadAttempted;

    public void Reload()
    {
        lock (_reloadLock)
        {
            var errors = new List<string>();
            if (_startupOnly.Changed(_configuration) is { Count: > 0 } changed)
                GatewayLog.StartupOnlyKeysChanged(_logger, string.Join(", ", changed));
            var next = GatewayStateBuilder.TryBuild(_configuration, _current.Generation + 1, errors);
            if (next is null)
            {
                GatewayLog.ConfigReloadRejected(_logger, errors.Count, string.Join("; ", errors));
                ReloadAttempted?.Invoke(false);
                return;
            }
            _current = next;
            GatewayLog.ConfigReloaded(_logger, next.Generation, next.Routing.Providers.Count, next.Routing.Models.Count);
            Changed?.Invoke(next);
            ReloadAttempted?.Invoke(true);
        }
    }

    public void Dispose() => _reloadRegistration.Dispose();
}
