using System.Collections.Concurrent;

namespace LlmGateway.Budgets.Accounts;

/// <summary>Every team's account and, inside it, one account per key; created on first use (request or replay).</summary>
internal sealed class AccountBook
{
    private readonly ConcurrentDictionary<string, Account> _teams = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, Account>> _keys = new(StringComparer.OrdinalIgnoreCase);

    public Account Team(string team) => _teams.GetOrAdd(team, static t => new Account(t, null));

    public Account Key(string team, string keyId) =>
        _keys.GetOrAdd(team, static _ => new(StringComparer.OrdinalIgnoreCase)).GetOrAdd(keyId, static (k, t) => new Account(t, k), team);

    public IEnumerable<Account> Teams => _teams.Values;

    public IEnumerable<Account> All => _teams.Values.Concat(_keys.Values.SelectMany(k => k.Values));
}
