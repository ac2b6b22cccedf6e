namespace LlmGateway.Guard;

/// <summary>A small immutable set of <see cref="GuardCategory"/> (a bit mask): which categories to scan for.</summary>
internal readonly record struct CategorySet(uint Bits)
{
    public bool IsEmpty => Bits == 0;

    public bool Contains(GuardCategory category) => (Bits & (1u << (int)category)) != 0;

    public CategorySet With(GuardCategory category) => new(Bits | (1u << (int)category));
}
