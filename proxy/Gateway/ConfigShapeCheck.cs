using System.Reflection;

namespace LlmGateway.Gateway;

/// <summary>
/// Finds configuration values of the wrong shape, which the configuration binder silently ignores: a single value
/// where a list is expected (<c>"KeySha256": "&lt;digest&gt;"</c> binds an empty list, leaving the admin API without
/// keys), a value where an object is expected, or an object or list where a single value is expected. Walks every
/// section the gateway binds against its options type and names each wrong key. Unknown keys are not its business.
/// </summary>
internal static class ConfigShapeCheck
{
    /// <summary>Every section bound from configuration, with its options type.</summary>
    private static readonly (string Path, Type Type)[] Sections =
    [
        (GatewayOptions.Section, typeof(GatewayOptions)),
        (Caching.CacheOptions.Section, typeof(Caching.CacheOptions)),
        (Embeddings.EmbeddingsOptions.SectionName, typeof(Embeddings.EmbeddingsOptions)),
        (VectorIndex.VectorIndexOptions.SectionName, typeof(VectorIndex.VectorIndexOptions)),
        (Metrics.MetricsOptions.Section, typeof(Metrics.MetricsOptions)),
        (Budgets.AccountingOptions.Section, typeof(Budgets.AccountingOptions)),
    ];

    public static void Check(IConfiguration configuration, List<string> errors)
    {
        foreach (var (path, type) in Sections)
            Walk(configuration.GetSection(path), type, errors);
    }

    /// <summary>Checks one section against its options type (the per-team sub-sections a capability binds, <see cref="TeamSections"/>).</summary>
    public static void Check(IConfigurationSection section, Type type, List<string> errors) => Walk(section, type, errors);

    private static void Walk(IConfigurationSection section, Type type, List<string> errors)
    {
        var children = section.GetChildren().ToList();
        var hasValue = !string.IsNullOrEmpty(section.Value);
        if (!hasValue && children.Count == 0)
            return;
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (IsScalar(type))
        {
            if (children.Count > 0)
                errors.Add($"{section.Path}: expected a single value, found {(children.All(c => int.TryParse(c.Key, out _)) ? "a list" : "an object")}.");
            return;
        }
        if (DictionaryValueType(type) is { } valueType)
        {
            if (hasValue)
                errors.Add($"{section.Path}: expected an object of named entries, found a single value.");
            foreach (var child in children)
                Walk(child, valueType, errors);
            return;
        }
        if (ListItemType(type) is { } itemType)
        {
            if (hasValue)
                errors.Add($"{section.Path}: expected a list (a JSON array), found a single value.");
            else if (!children.All(c => int.TryParse(c.Key, out _)))
                errors.Add($"{section.Path}: expected a list (a JSON array), found an object.");
            else
            {
                foreach (var child in children)
                    Walk(child, itemType, errors);
            }
            return;
        }
        if (hasValue)
        {
            errors.Add($"{section.Path}: expected an object, found a single value.");
            return;
        }
        foreach (var child in children)
        {
            var property = type.GetProperty(child.Key, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase);
            if (property is not null)
                Walk(child, property.PropertyType, errors);
        }
    }

    /// <summary>What the binder converts from one string (TypeConverter-backed types included).</summary>
    private static bool IsScalar(Type type) =>
        type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(decimal) || type == typeof(TimeSpan)
        || type == typeof(DateTimeOffset) || type == typeof(DateTime) || type == typeof(Uri) || type == typeof(Guid) || type == typeof(object);

    private static Type? DictionaryValueType(Type type) =>
        type.GetInterfaces().Append(type).FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IDictionary<,>)) is { } d
            ? d.GetGenericArguments()[1] : null;

    private static Type? ListItemType(Type type) =>
        type.IsArray ? type.GetElementType()
        : type.GetInterfaces().Append(type).FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>)) is { } e
            ? e.GetGenericArguments()[0] : null;
}
