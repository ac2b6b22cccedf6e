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
    [InlineData("What is x² + 1 at x = 3?", "What is x^2 + 1 at x = 3?")]                       // an exponent either way
    [InlineData("Is 10⁻³ small?", "Is 10^-3 small?")]
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
    [InlineData("How do I convert Celsius to Fahrenheit?", "How do I convert to Celsius from Fahrenheit?")] // direction
    [InlineData("What are the cheapest flights from London?", "What are the cheapest flights to London?")]
    [InlineData("Are all swans white?", "Are some swans white?")]                                // an opposite
    [InlineData("Is it legal to record a phone call?", "Is it illegal to record a phone call?")]  // a negating prefix
    [InlineData("What does i++ do in C?", "What does ++i do in C?")]                             // symbols in another place
    [InlineData("What is 10/2?", "What is 2/10?")]                                               // numbers in another order
    [InlineData("How many legs do three spiders have?", "How many legs do four spiders have?")]  // spelled-out numbers
    [InlineData("What does 'año' mean in Spanish?", "What does 'ano' mean in Spanish?")]         // accents
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

    // An adversarial review served each of these at cosine 0.93-1.00 (MiniLM): they keep every word and symbol the older
    // rules compared, in another place, with another accent, or with a function word turned to its opposite.
    [Theory]
    [InlineData("What does i++ do in C?", "What does ++i do in C?")]
    [InlineData("What does x => y mean in C#?", "What does x >= y mean in C#?")]
    [InlineData("What does a[:3] return in Python?", "What does a[3:] return in Python?")]
    [InlineData("What does x?.Length do in C#?", "What does x.Length do in C#?")]
    [InlineData("What does echo '$HOME' print in bash?", "What does echo \"$HOME\" print in bash?")]
    [InlineData("Which rows does WHERE name != 'Bob' return?", "Which rows does WHERE name = 'Bob' return?")]
    [InlineData("Is login.microsoft.com a legit domain?", "Is microsoft.login.com a legit domain?")]
    [InlineData("What is the EUR/USD exchange rate?", "What is the USD/EUR exchange rate?")]
    [InlineData("What is the capital of 🇦🇺?", "What is the capital of 🇺🇦?")]                    // flags: two letters each
    [InlineData("Is a && b || c true when a is false?", "Is a || b && c true when a is false?")]  // chunks in order
    [InlineData("Is 🍎 healthier than 🍌?", "Is 🍌 healthier than 🍎?")]
    [InlineData("Simplify x² + 2x + 1", "Simplify x2 + 2x + 1")]                                  // NFKC would fold the exponent
    [InlineData("What is 2ˣ for x = 3?", "What is 2x for x = 3?")]                                // a modifier letter too
    public void Symbols_are_compared_in_order_and_in_place(string a, string b) =>
        Assert.NotEqual(LookAlikeGuard.Analyse(a).Symbols, LookAlikeGuard.Analyse(b).Symbols);

    [Theory]
    [InlineData("What is C++?", "what is C++")]                                 // sentence punctuation is prose
    [InlineData("Why is C# fast?", "Why is C# so fast ?")]
    [InlineData("How do oil companies feel (fossil fuel, coal)?", "How do oil companies feel (fossil fuel,coal)?")] // a missing space
    [InlineData("Is it true?Is it safe?", "Is it true? Is it safe?")]
    [InlineData("What's the best way?", "What’s the best way?")]                 // apostrophes inside words
    [InlineData("What is 3.5% of 1,000?", "What is 3.5% of 1,000")]
    [InlineData("Is a zero\u200bwidth space a symbol?", "Is a zerowidth space a symbol?")] // invisible: the tokenizer drops it too
    [InlineData("ジョー・R・キャンパは誰？", "ジョー・R・キャンパは誰")]                          // Japanese punctuation between letters
    [InlineData("What is 2+2?", "What is 2 + 2?")]                               // an operator between spaces joins its operands
    [InlineData("Is x==y true?", "Is x == y true?")]
    [InlineData("What does x->y mean in C?", "What does x -> y mean in C?")]   // the arrow joins as the other operators do
    [InlineData("आप कैसे हो भाई", "आप कैसे हैं भाई")]                                   // Devanagari vowel signs are marks, not symbols
    [InlineData("What does 'git push -f' do?", "What does git push -f do?")]     // a quote on one edge of a chunk
    [InlineData("What does “-v” do?", "What does \"-v\" do?")]                  // curly quotes are straight ones
    [InlineData("Is it 9 a.m. in the U.S.?", "Is it 9 am in the US?")]            // abbreviations
    [InlineData("Is a Ph.D. worth it?", "Is a PhD worth it?")]
    public void Punctuation_that_is_prose_is_not_a_symbol(string a, string b) =>
        Assert.Equal(LookAlikeGuard.Analyse(a).Symbols, LookAlikeGuard.Analyse(b).Symbols);

    [Theory]
    [InlineData("Is 5 > 3?", "Is 3 > 5?", false)]                               // in order, not sorted
    [InlineData("What does pow(2, 10) return?", "What does pow(10, 2) return?", false)]
    [InlineData("Is x86 faster than arm64?", "Is x64 faster than arm64?", false)] // digits inside words
    [InlineData("How many legs do three spiders have?", "How many legs do 3 spiders have?", true)] // spelled out = digits
    [InlineData("What is one hundred in binary?", "What is 100 in binary?", true)]
    [InlineData("Which one is better?", "Which is better?", true)]                // "one" is no number
    [InlineData("Is twenty-five old?", "Is 25 old?", true)]                       // adjacent number words combine
    [InlineData("Why do I have two hundred emails?", "Why do I have 200 emails?", true)]
    [InlineData("Meet at 5pm?", "Meet at 5 pm?", true)]                           // a number's suffix
    [InlineData("How much is 1,000 yen?", "How much is 1000 yen?", true)]
    public void Numbers_are_compared_in_order_and_spelled_out_ones_as_digits(string a, string b, bool same) =>
        Assert.Equal(same, LookAlikeGuard.Analyse(a).Numbers.SequenceEqual(LookAlikeGuard.Analyse(b).Numbers));

    [Theory]
    [InlineData("What are the cheapest flights from London?", "What are the cheapest flights to London?", true)]
    [InlineData("Cheapest flights Paris to London", "Cheapest flights to Paris from London", true)]
    [InlineData("How long is the New York → Boston train?", "How long is the Boston -> New York train?", true)] // arrows point too
    [InlineData("Is Mars bigger than Venus?", "Is Venus bigger than Mars?", true)]
    [InlineData("Should I stretch before running?", "Should I stretch after running?", true)]
    [InlineData("Are all swans white?", "Are some swans white?", true)]
    [InlineData("Is it bad to sleep with the lights on?", "Is it bad to sleep with the lights off?", true)]
    [InlineData("Can I take aspirin and warfarin?", "Can I take aspirin or warfarin?", true)]
    [InlineData("Can I take ibuprofen with alcohol?", "Must I take ibuprofen with alcohol?", true)]
    [InlineData("What is the weather in Paris today?", "What is the weather in Paris tomorrow?", true)]
    [InlineData("Is it likely to rain tomorrow?", "Is it unlikely to rain tomorrow?", true)]
    [InlineData("Is the water safe to drink?", "Is the water unsafe to drink?", true)]
    [InlineData("Is the Nile longer than the Amazon?", "Is the Nile shorter than the Amazon?", true)] // comparatives
    [InlineData("How long to boil an egg for 6 minutes?", "How long to boil an egg for 6 hours?", true)] // units of one kind
    [InlineData("Which is the largest planet?", "Which is the smallest planet?", true)]
    [InlineData("Why did my GitHub Actions workflow succeed?", "Why did my GitHub Actions workflow fail?", true)] // a third review's
    [InlineData("Why does my inner join return duplicate rows?", "Why does my outer join return duplicate rows?", true)]
    [InlineData("Is the CVS pharmacy open at 9 am on Sundays?", "Is the CVS pharmacy open at 9 pm on Sundays?", true)]
    [InlineData("What's the weather forecast for this weekend?", "What's the weather forecast for next weekend?", true)]
    [InlineData("Is Pluto still a planet?", "Was Pluto ever a planet?", true)]
    [InlineData("Run all tests except the integration tests", "Run only the integration tests", true)]
    [InlineData("Are pets permitted in Airbnb listings?", "Are pets prohibited in Airbnb listings?", true)]
    [InlineData("Why do few developers use Haskell?", "Why do many developers use Haskell?", true)]
    [InlineData("What is this function for?", "What is the next function for?", true)]
    [InlineData("What comes next?", "What comes after this?", false)]                 // "this" at the end is a pronoun
    [InlineData("How many lbs is 5 kg?", "How many pounds is 5 kg?", false)]       // one unit, two spellings
    [InlineData("How long is a metre?", "How long is a meter?", false)]
    [InlineData("How do I start a nonprofit?", "How do I start a non-profit?", false)] // a hyphenated prefix is no negation
    [InlineData("How do I get over a cold?", "How do I recover from a cold?", false)] // only "to" against "from" is a direction
    [InlineData("Is it different from an alligator?", "Is it different than an alligator?", false)]
    [InlineData("How do I get from Paris to London?", "How do I get to London from Paris?", false)] // the same directions
    [InlineData("Cheap flights to London", "Cheap London flights", false)]                         // one side names none
    [InlineData("How can I convert PDF into Word?", "How can I convert a PDF to Word?", false)]   // "into" is "to", not "in" + "to"
    [InlineData("Shoes that cost less than 2500 INR", "Shoes that cost below 2500 INR", false)]    // "than" is compared with itself only
    [InlineData("What are the greatest novels of all time?", "What are some of the greatest novels?", false)] // "all" and "some" point elsewhere
    [InlineData("How do I prepare for CAT 2017 from now?", "What are the best ways to prepare for CAT 2017?", false)] // an infinitive "to"
    public void Opposites_negating_prefixes_and_directions_flip_the_question(string a, string b, bool differ)
    {
        Assert.Equal(differ, Polarity.Differs(LookAlikeGuard.Analyse(a), LookAlikeGuard.Analyse(b)));
        Assert.Equal(differ, Polarity.Differs(LookAlikeGuard.Analyse(b), LookAlikeGuard.Analyse(a)));
    }

    [Theory]
    [InlineData("What does 'año' mean in Spanish?", "What does 'ano' mean in Spanish?", true)]
    [InlineData("Where is the pêche?", "Where is the péché?", true)]
    [InlineData("How do I write a résumé?", "How do I write a resume?", true)]
    [InlineData("Who is Pelé?", "Who was Pelé?", false)]
    public void Words_with_other_accents_differ(string a, string b, bool differ) =>
        Assert.Equal(differ, LookAlikeGuard.AccentsDiffer(LookAlikeGuard.Analyse(a), LookAlikeGuard.Analyse(b)));

    [Theory]
    [InlineData("What percentage of terrorists are Muslim?", "What percentage of Muslims are terrorists?", true)]
    [InlineData("Do Mexican girls like black guys?", "Do black girls like Mexican guys?", true)]
    [InlineData("Why did Alice leave Bob?", "Why did Bob leave Alice?", true)]
    [InlineData("How can I earn money fast online?", "How can I earn money online fast?", false)]      // side by side
    [InlineData("The Bresnic River flows into the Slatina River", "The Bresnic River flows into the River Slatina", false)]
    [InlineData("Why are India and Pakistan enemies?", "Why are Pakistan and India enemies?", false)]   // joined by "and"
    [InlineData("Should I learn French or German?", "Should I learn German or French?", false)]
    [InlineData("Is it what you want?", "Is what it you want?", false)]                                // function words only
    [InlineData("Why did Alice leave Bob?", "Why did Alice leave Bob?", false)]
    public void Two_words_that_trade_places_around_others_are_a_swap(string a, string b, bool swap)
    {
        var (x, y) = (LookAlikeGuard.Analyse(a), LookAlikeGuard.Analyse(b));
        Assert.Equal(swap, LookAlikeGuard.IsSwap(x.Words, y.Words));
        if (swap)
            Assert.True(LookAlikeGuard.SharedAndMoved(x, y).Moved >= 2); // both moved: the guard and the verifier's veto refuse it
    }

    [Theory]
    [InlineData("Should I lend my brother money?", "Should my brother lend me money?", true)]
    [InlineData("What should I get her for our anniversary?", "What should she get me for our anniversary?", true)]
    [InlineData("Did he call them?", "Did they call him?", true)]
    [InlineData("Can you help me fix my bike?", "Could you help me fix my bike?", false)]
    [InlineData("How do I tell her I love her?", "How can I tell her that I love her?", false)]
    public void Roles_swapped_with_a_pronoun_s_case_count_as_two_moved_words(string a, string b, bool swapped)
    {
        Assert.Equal(swapped, LookAlikeGuard.SharedAndMoved(LookAlikeGuard.Analyse(a), LookAlikeGuard.Analyse(b)).Moved >= 2);
    }

    [Fact]
    public void A_curly_apostrophe_negates_as_a_straight_one_does()
    {
        Assert.Equal(1, LookAlikeGuard.Analyse("You needn't file a return, right?").Negations);
        Assert.Equal(1, LookAlikeGuard.Analyse("You needn’t file a return, right?").Negations);
    }

    [Theory]
    [InlineData("a a b c", "a b b d", 2)]  // repeats count once per match
    [InlineData("a b c", "c b a", 3)]
    [InlineData("a b", "c d", 0)]
    [InlineData("", "a", 0)]
    public void Shared_words_count_repeats_the_same_for_short_and_long_texts(string a, string b, int shared)
    {
        List<string> Words(string text, int times) => [.. Enumerable.Repeat(text.Split(' ', StringSplitOptions.RemoveEmptyEntries), times).SelectMany(w => w)];
        Assert.Equal(shared, LookAlikeGuard.SharedCount(Words(a, 1), Words(b, 1)));
        // 40 times over is past the words matched in place: counted with a dictionary instead, to the same result.
        Assert.Equal(shared * 40, LookAlikeGuard.SharedCount(Words(a, 40), Words(b, 40)));
    }
}
