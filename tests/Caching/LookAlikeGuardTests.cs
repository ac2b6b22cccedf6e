using LlmGateway.Caching;

namespace LlmGateway.Tests.Caching;

/// <summary>
/// The look-alike guard on fixed pairs, without the labelled data sets (the cache-quality bench measures it on those):
/// questions that differ in a number, a negation, a meaningful symbol, a name, a content word or the order of their
/// words, or in the letters of another script inside English text, are refused; rewordings that keep all of them are allowed.
/// </summary>
public sealed class LookAlikeGuardTests
{
    [Theory]
    [InlineData("How do I reset my password?", "how do I reset my password")]            // case and punctuation
    [InlineData("What is the capital of France?", "What is the capital of France ?")]
    [InlineData("Can I reset my password?", "Can I reset my password!")]
    [InlineData("What does 呵呵 mean?", "what does 呵呵 mean")]                                   // the same letters of another script
    [InlineData("東京の天気を教えて", "東京の天気を教えてね")]                                      // mostly Japanese: a particle is a function word
    public void Rewordings_that_keep_what_matters_are_allowed(string a, string b) =>
        Assert.True(LookAlikeGuard.Allows(a, b));

    [Theory]
    [InlineData("What was the inflation rate in 2023?", "What was the inflation rate in 2024?")]   // number
    [InlineData("Can I cancel my order?", "Can't I cancel my order?")]                            // negation
    [InlineData("Is C++ hard to learn?", "Is C# hard to learn?")]                                // symbol
    [InlineData("How do I convert Celsius to Fahrenheit?", "How do I convert Fahrenheit to Celsius?")] // word order
    [InlineData("How do I reset my password?", "How do I reset my router password?")]            // a content word on one side only
    [InlineData("How do I say ありがとう in French?", "How do I say さようなら in French?")]          // letters of another script in English
    [InlineData("What does 呵呵 mean?", "What does 即将 mean?")]
    [InlineData("What does 蜂蜜 mean?", "What does 蜜蜂 mean?")]                                   // the same letters in another order
    [InlineData("What does ขาว mean?", "What does ข่าว mean?")]                                   // a Thai tone mark
    [InlineData("What does कहा mean?", "What does कहाँ mean?")]                                   // a Devanagari vowel sign
    [InlineData("What is ㍿?", "What is ㍻?")]                                                    // NFKC makes them words
    public void Look_alikes_that_can_mean_something_else_are_refused(string a, string b)
    {
        Assert.False(LookAlikeGuard.Allows(a, b));
        Assert.False(LookAlikeGuard.Allows(b, a));
    }

    [Theory]
    [InlineData("What does 呵呵 mean?", "What does 即将 mean?", true)]
    [InlineData("What does 蜂蜜 mean?", "What does 蜜蜂 mean?", true)]
    [InlineData("What does ขาว mean?", "What does ข่าว mean?", true)]
    [InlineData("What is ㍿?", "What is ㍻?", true)]                                                  // not routed, whatever NFKC makes of them
    [InlineData("Who is 李白? What did 李白 write?", "Who is 李白 and what did he write?", false)] // a name repeated on one side
    [InlineData("東京の天気を教えて", "大阪の天気を教えて", false)]                                     // routed: the other-script rule decides
    public void Words_of_another_script_inside_English_must_be_the_same(string a, string b, bool differ) =>
        Assert.Equal(differ, LookAlikeGuard.OtherScriptDiffers(LookAlikeGuard.Analyse(a), LookAlikeGuard.Analyse(b)));
}
