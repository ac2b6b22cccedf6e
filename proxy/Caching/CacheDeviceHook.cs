using FASTER.core;

namespace LlmGateway.Caching;

/// <summary>Wraps the cache store's log device; registered only by tests, to inject storage faults.</summary>
internal sealed record CacheDeviceHook(Func<IDevice, IDevice> Wrap);
