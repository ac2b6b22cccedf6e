namespace LlmGateway.Guard;

/// <summary>What the guard does with a category it finds. Ordered by strength: the strongest action of a request wins.</summary>
internal enum GuardAction
{
    /// <summary>Not scanned for.</summary>
    Off,

    /// <summary>Counted and logged (category and count, never the value); the request leaves unchanged.</summary>
    Log,

    /// <summary>Each value is replaced by a typed placeholder (<c>[EMAIL_1]</c>) before the request leaves.</summary>
    Redact,

    /// <summary>The request is answered with an OpenAI-shaped 400 naming the categories found.</summary>
    Block,
}
