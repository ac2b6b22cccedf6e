namespace LlmGateway.Budgets.Usage;

/// <summary>How many characters of not-yet-counted text one request may tokenize on its own thread.</summary>
internal struct TextBudget(int inlineChars)
{
    /// <summary>
    /// Per request: 1 KB of new English costs ~25 µs with o200k_base here, a 20 KB document ~1 ms (bench -- budgets),
    /// so a request counts at most 2,048 new characters itself; longer new text is bounded by its bytes instead.
    /// </summary>
    public const int PerRequest = 2048;

    public int InlineChars = inlineChars;

    public static TextBudget ForRequest() => new(PerRequest);
}
