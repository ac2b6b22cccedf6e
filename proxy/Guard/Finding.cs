namespace LlmGateway.Guard;

/// <summary>One detected value: where it is in the text scanned and what it is. Never carries the value itself.</summary>
internal readonly record struct Finding(int Start, int Length, GuardCategory Category)
{
    public int End => Start + Length;
}
