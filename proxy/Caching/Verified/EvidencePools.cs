using System.Collections.Concurrent;

namespace LlmGateway.Caching.Verified;

/// <summary>The pooled evidence of each team scope and model (scopes and models come from config: a bounded set).</summary>
internal sealed class EvidencePools
{
    private readonly ConcurrentDictionary<(string Scope, string Model), EvidencePool> _pools = new();

    public EvidencePool For(string scope, string model) => _pools.GetOrAdd((scope, model), _ => new EvidencePool());

    /// <summary>Forgets every pool (before they are rebuilt from reloaded entries).</summary>
    public void Clear() => _pools.Clear();

    public IEnumerable<(string Scope, string Model, EvidencePool Pool)> All() => _pools.Select(p => (p.Key.Scope, p.Key.Model, p.Value));
}
