namespace LlmGateway.Caching;

/// <summary>
/// Words that shape a question without naming what it is about (English function words, Japanese kana
/// particles). Question words (what, who, when, how, why) and most pronouns are deliberately not here:
/// "When did you find your best friend?" and "How did you find your best friend?" ask different things.
/// </summary>
internal static class FunctionWords
{
    private static readonly HashSet<string> English = new(StringComparer.Ordinal)
    {
        "a", "an", "the", "this", "that", "these", "those", "some", "any", "of", "in", "on", "at", "to", "for", "from", "by", "with", "about",
        "as", "into", "onto", "over", "under", "up", "out", "off", "and", "or", "but", "so", "if", "then", "than", "is", "are", "was", "were",
        "be", "been", "being", "am", "do", "does", "did", "done", "doing", "have", "has", "had", "having", "can", "could", "would", "should",
        "will", "shall", "may", "might", "must", "i", "my", "you", "your", "we", "our", "it", "its", "there", "here", "just", "really", "very", "please", "one", "ones", "get", "got", "way", "ways", "tell", "know", "let", "s", "'s",
        "i'm", "it's", "what's", "how's", "there's", "should", "ever", "also", "too", "all", "each", "possible", "exactly", "actually",
    };

    public static bool IsFunctionWord(string word) =>
        English.Contains(word) || (word.Length == 1 && word[0] is >= '\u3040' and <= '\u309f');
}
