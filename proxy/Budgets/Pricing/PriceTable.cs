using System.Collections.Frozen;
using LlmGateway.Budgets.Usage;
using LlmGateway.Gateway;
using LlmGateway.Routing;

namespace LlmGateway.Budgets.Pricing;

/// <summary>
/// Prices by every name a model goes by: the price's key, its <c>Aliases</c>, and the configured model a key
/// or alias resolves to. Immutable; rebuilt with each configuration.
/// </summary>
internal sealed class PriceTable
{
    private readonly FrozenDictionary<string, ModelPrice> _byName;

    private PriceTable(FrozenDictionary<string, ModelPrice> byName) => _byName = byName;

    public int Count => _byName.Count;

    public static PriceTable Build(GatewayOptions options, RoutingTable? routing)
    {
        var byName = new Dictionary<string, ModelPrice>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, price) in options.Prices)
        {
            var model = ModelPrice.From(name, price);
            byName[name] = model;
            foreach (var alias in price.Aliases)
                byName.TryAdd(alias, model);
        }
        // A price keyed by a client-facing alias also applies to the model it names.
        if (routing is not null)
        {
            foreach (var (name, model) in byName.ToList())
            {
                if (routing.TryResolve(name, out var route))
                    byName.TryAdd(route.Name, model);
            }
        }
        return new PriceTable(byName.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase));
    }

    /// <summary>The price of what <paramref name="target"/> runs: its configured name first, then the provider's model name.</summary>
    public ModelPrice? Find(UpstreamTarget target) =>
        _byName.GetValueOrDefault(target.Model) ?? _byName.GetValueOrDefault(target.UpstreamModel);

    public ModelPrice? Find(string model) => _byName.GetValueOrDefault(model);

    /// <summary>The tokenizer that bounds the prompt for every model that may answer <paramref name="route"/>: their common one, else bytes.</summary>
    public TokenizerKind Tokenizer(ModelRoute route)
    {
        TokenizerKind? common = null;
        foreach (var target in route.Candidates)
        {
            var kind = Find(target)?.Tokenizer ?? TokenizerKind.Bytes;
            common = common is { } c ? TokenizerKinds.Common(c, kind) : kind;
        }
        return common ?? TokenizerKind.Bytes;
    }
}
