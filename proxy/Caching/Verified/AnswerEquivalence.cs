using System.Text;
using System.Text.Json.Nodes;
using LlmGateway.Embeddings;

namespace LlmGateway.Caching.Verified;

/// <summary>
/// Whether an explored lookup's fresh answer is "the same" as the cached one, in layers (<see cref="Layer"/>): equal
/// after normalisation (case, spacing, punctuation) is the same; short answers (at most <see cref="ShortWords"/> words:
/// a number, a name, a yes/no) must be equal, since a cosine cannot tell "42" from "24"; longer ones are the same when
/// the embedder's cosine between them reaches the bar (<see cref="AnswerSimilarityBar"/>: configured, or measured for
/// this embedder by <c>bench -- answer-equivalence</c>); below the bar (or with none) a configured judge model decides
/// (<see cref="IAnswerJudge"/>, Gateway:Cache:Judge). With neither, only equal answers are the same.
/// </summary>
internal sealed class AnswerEquivalence(ITextEmbedder embedder, double? similarityBar, IAnswerJudge? judge = null)
{
    public const int ShortWords = 20;

    /// <summary>Which layer decides a pair: the bench counts these to measure the very rule the gateway runs.</summary>
    public enum Decider { Equal, Short, Cosine }

    /// <summary>Null when the answers could not be compared (no text, or the embedder failed): nothing is recorded.</summary>
    /// <param name="question">The asked question, shown to the judge.</param>
    public async Task<bool?> SameAsync(byte[] cachedAnswer, byte[] freshAnswer, CancellationToken cancellationToken, string question = "")
    {
        if (Text(cachedAnswer) is not { } cached || Text(freshAnswer) is not { } fresh)
            return null;
        switch (Layer(cached, fresh))
        {
            case Decider.Equal:
                return true;
            case Decider.Short:
                return false;
        }
        if (similarityBar is not null)
        {
            try
            {
                var x = await embedder.EmbedAsync(cached, cancellationToken);
                var y = await embedder.EmbedAsync(fresh, cancellationToken);
                if (SameByCosine(System.Numerics.Tensors.TensorPrimitives.CosineSimilarity(x, y), similarityBar))
                    return true;
            }
            catch (Exception ex) when (ex is TimeoutException or ArgumentException or InvalidOperationException)
            {
                return null;
            }
        }
        // Below the bar, or no bar measured for this embedder: a cosine never makes two different texts the same; a judge may.
        return judge is null ? false : await judge.SameAsync(question, cached, fresh, cancellationToken);
    }

    /// <summary>The layer that decides two answer texts: <see cref="Decider.Cosine"/> only when both are long and not equal.</summary>
    internal static Decider Layer(string cached, string fresh)
    {
        var a = Normalise(cached);
        var b = Normalise(fresh);
        if (a == b)
            return Decider.Equal;
        return Words(a) <= ShortWords || Words(b) <= ShortWords ? Decider.Short : Decider.Cosine;
    }

    /// <summary>The cosine layer: the same at or above the bar; never without one.</summary>
    internal static bool SameByCosine(float cosine, double? bar) => bar is { } b && cosine >= b;

    /// <summary>The answer's text (chat, completions or responses shape); null when it has none (e.g. only tool calls).</summary>
    internal static string? Text(byte[] answer)
    {
        JsonObject? json;
        try
        {
            json = JsonNode.Parse(answer) as JsonObject;
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
        var text = json?["choices"]?[0]?["message"]?["content"] as JsonValue
            ?? json?["choices"]?[0]?["text"] as JsonValue
            ?? json?["output"]?[0]?["content"]?[0]?["text"] as JsonValue;
        return text?.TryGetValue<string>(out var value) == true ? value : null;
    }

    /// <summary>Lower case, letters and digits only, single spaces.</summary>
    internal static string Normalise(string text)
    {
        var builder = new StringBuilder(text.Length);
        var space = false;
        foreach (var c in text.Normalize(NormalizationForm.FormKC))
        {
            if (char.IsLetterOrDigit(c))
            {
                if (space && builder.Length > 0)
                    builder.Append(' ');
                builder.Append(char.ToLowerInvariant(c));
                space = false;
            }
            else if (char.IsWhiteSpace(c))
                space = true;
        }
        return builder.ToString();
    }

    /// <summary>Words of a text after normalisation (the short-answer rule counts these).</summary>
    internal static int Words(string normalised) => normalised.Length == 0 ? 0 : normalised.Count(c => c == ' ') + 1;
}
