using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace LlmGateway.Embeddings.Tokenizers;

/// <summary>
/// Builds a tokenizer from the files of a Hugging Face model folder: <c>tokenizer.json</c> (WordPiece or
/// Unigram) when present, otherwise <c>vocab.txt</c> with the casing settings of <c>tokenizer_config.json</c>.
/// Unsupported settings fail with a message naming the file and the setting.
/// </summary>
internal static class TokenizerLoader
{
    public static ITokenizer Load(string? tokenizerJsonPath, string? vocabTxtPath, string? tokenizerConfigPath)
    {
        if (tokenizerJsonPath is not null && File.Exists(tokenizerJsonPath))
        {
            return LoadTokenizerJson(tokenizerJsonPath);
        }

        if (vocabTxtPath is not null && File.Exists(vocabTxtPath))
        {
            return LoadVocabTxt(vocabTxtPath, tokenizerConfigPath);
        }

        throw new InvalidDataException("Neither tokenizer.json nor vocab.txt was found next to the model.");
    }

    public static WordPieceTokenizer LoadVocabTxt(string vocabPath, string? tokenizerConfigPath)
    {
        var lower = true;
        var chinese = true;
        bool? strip = null;
        if (tokenizerConfigPath is not null && File.Exists(tokenizerConfigPath))
        {
            using var config = JsonDocument.Parse(File.ReadAllBytes(tokenizerConfigPath));
            lower = Bool(config.RootElement, "do_lower_case") ?? true;
            chinese = Bool(config.RootElement, "tokenize_chinese_chars") ?? true;
            strip = Bool(config.RootElement, "strip_accents");
        }

        using var reader = new StreamReader(vocabPath, Encoding.UTF8);
        return LoadVocab(reader, vocabPath, lower, chinese, strip);
    }

    /// <summary>
    /// A BERT WordPiece tokenizer from a vocab.txt (one token per line, id = line number; LF or CRLF) and the casing
    /// settings a tokenizer_config.json would give (<paramref name="stripAccents"/> null: strip when lower-casing).
    /// </summary>
    public static WordPieceTokenizer LoadVocab(TextReader lines, string source, bool lowercase = true, bool tokenizeChineseChars = true, bool? stripAccents = null)
    {
        var vocab = new Dictionary<string, int>(StringComparer.Ordinal);
        var id = 0;
        while (lines.ReadLine() is { } line)
        {
            vocab.TryAdd(line, id);
            id++;
        }

        var template = new SpecialTokenTemplate([Id(vocab, "[CLS]", source)], [Id(vocab, "[SEP]", source)]);
        return new WordPieceTokenizer(vocab, new BertNormalizer(true, tokenizeChineseChars, lowercase, stripAccents), template);
    }

    public static ITokenizer LoadTokenizerJson(string path)
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(path), new JsonDocumentOptions { AllowTrailingCommas = true });
        var root = document.RootElement;
        var model = root.GetProperty("model");
        var type = model.TryGetProperty("type", out var t) ? t.GetString() : null;
        return type switch
        {
            "WordPiece" => LoadWordPiece(path, root, model),
            "Unigram" => LoadUnigram(path, root, model),
            _ => throw new InvalidDataException($"{path}: model type '{type}' is not supported (WordPiece and Unigram are)."),
        };
    }

    private static WordPieceTokenizer LoadWordPiece(string path, JsonElement root, JsonElement model)
    {
        var vocab = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var entry in model.GetProperty("vocab").EnumerateObject())
        {
            vocab[entry.Name] = entry.Value.GetInt32();
        }

        var normalizer = new BertNormalizer(false, false, false, false);
        if (root.TryGetProperty("normalizer", out var n) && n.ValueKind == JsonValueKind.Object)
        {
            if (n.GetProperty("type").GetString() != "BertNormalizer")
            {
                throw new InvalidDataException($"{path}: a WordPiece model with normalizer '{n.GetProperty("type").GetString()}' is not supported (BertNormalizer is).");
            }

            normalizer = new BertNormalizer(Bool(n, "clean_text") ?? true, Bool(n, "handle_chinese_chars") ?? true, Bool(n, "lowercase") ?? true, Bool(n, "strip_accents"));
        }

        if (root.TryGetProperty("pre_tokenizer", out var p) && p.ValueKind == JsonValueKind.Object && p.GetProperty("type").GetString() != "BertPreTokenizer")
        {
            throw new InvalidDataException($"{path}: a WordPiece model with pre_tokenizer '{p.GetProperty("type").GetString()}' is not supported (BertPreTokenizer is).");
        }

        var unk = model.TryGetProperty("unk_token", out var u) ? u.GetString() ?? "[UNK]" : "[UNK]";
        var prefix = model.TryGetProperty("continuing_subword_prefix", out var c) ? c.GetString() ?? "##" : "##";
        var maxChars = model.TryGetProperty("max_input_chars_per_word", out var m) && m.ValueKind == JsonValueKind.Number ? m.GetInt32() : 100;
        var template = Template(path, root, piece => vocab.TryGetValue(piece, out var id) ? id : null);
        var pad = vocab.ContainsKey("[PAD]") ? "[PAD]" : unk;
        return new WordPieceTokenizer(vocab, normalizer, template, unk, prefix, maxChars, pad);
    }

    private static UnigramTokenizer LoadUnigram(string path, JsonElement root, JsonElement model)
    {
        var vocab = new List<(string, double)>();
        var ids = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var entry in model.GetProperty("vocab").EnumerateArray())
        {
            var piece = entry[0].GetString() ?? "";
            ids[piece] = vocab.Count;
            vocab.Add((piece, entry[1].GetDouble()));
        }

        if (!model.TryGetProperty("unk_id", out var unk) || unk.ValueKind != JsonValueKind.Number)
        {
            throw new InvalidDataException($"{path}: the Unigram model has no unk_id.");
        }

        if (model.TryGetProperty("byte_fallback", out var bf) && bf.ValueKind == JsonValueKind.True)
        {
            throw new InvalidDataException($"{path}: Unigram byte_fallback is not supported.");
        }

        var normalizer = root.TryGetProperty("normalizer", out var n) && n.ValueKind == JsonValueKind.Object ? Normalizer(path, n) : null;
        var pre = root.TryGetProperty("pre_tokenizer", out var p) && p.ValueKind == JsonValueKind.Object
            ? PreTokenizer(path, p)
            : new MetaspacePreTokenizer(false, false, '\u2581', false);
        var template = Template(path, root, piece => ids.TryGetValue(piece, out var id) ? id : null);
        var pad = ids.TryGetValue("<pad>", out var padId) ? padId : 0;
        return new UnigramTokenizer(vocab, unk.GetInt32(), normalizer, pre, template, pad);
    }

    private static ITextNormalizer Normalizer(string path, JsonElement n)
    {
        var type = n.GetProperty("type").GetString();
        switch (type)
        {
            case "Sequence":
                return new SequenceNormalizer(n.GetProperty("normalizers").EnumerateArray().Select(x => Normalizer(path, x)).ToArray());
            case "NFKC":
                return new UnicodeFormNormalizer(NormalizationForm.FormKC);
            case "NFC":
                return new UnicodeFormNormalizer(NormalizationForm.FormC);
            case "NFD":
                return new UnicodeFormNormalizer(NormalizationForm.FormD);
            case "NFKD":
                return new UnicodeFormNormalizer(NormalizationForm.FormKD);
            case "Precompiled":
                return new PrecompiledNormalizer();
            case "Lowercase":
                return new LowercaseNormalizer();
            case "StripAccents":
                return new StripAccentsNormalizer();
            case "Strip":
                return new StripNormalizer(Bool(n, "strip_left") ?? true, Bool(n, "strip_right") ?? true);
            case "BertNormalizer":
                return new BertTextNormalizer(new BertNormalizer(Bool(n, "clean_text") ?? true, Bool(n, "handle_chinese_chars") ?? true, Bool(n, "lowercase") ?? true, Bool(n, "strip_accents")));
            case "Replace":
                var pattern = n.GetProperty("pattern");
                var content = n.GetProperty("content").GetString() ?? "";
                if (pattern.TryGetProperty("Regex", out var regex))
                {
                    return new ReplaceNormalizer(null, new Regex(regex.GetString() ?? "", RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1)), content);
                }

                return new ReplaceNormalizer(pattern.GetProperty("String").GetString(), null, content);
            default:
                throw new InvalidDataException($"{path}: normalizer '{type}' is not supported.");
        }
    }

    private static MetaspacePreTokenizer PreTokenizer(string path, JsonElement p)
    {
        var type = p.GetProperty("type").GetString();
        var steps = type == "Sequence" ? p.GetProperty("pretokenizers").EnumerateArray().ToArray() : [p];
        var split = false;
        MetaspacePreTokenizer? result = null;
        foreach (var step in steps)
        {
            switch (step.GetProperty("type").GetString())
            {
                case "WhitespaceSplit" when result is null:
                    split = true;
                    break;
                case "Metaspace" when result is null:
                    var replacement = step.TryGetProperty("replacement", out var r) ? r.GetString() ?? "\u2581" : "\u2581";
                    var scheme = step.TryGetProperty("prepend_scheme", out var s) ? s.GetString() : null;
                    // add_prefix_space wins when present (the reference reads only it); otherwise prepend_scheme decides.
                    var prepend = Bool(step, "add_prefix_space") ?? scheme is null or "always" or "first";
                    result = new MetaspacePreTokenizer(split, true, replacement.Length == 1 ? replacement[0] : '\u2581', prepend && scheme != "never");
                    break;
                default:
                    throw new InvalidDataException($"{path}: pre_tokenizer '{step.GetProperty("type").GetString()}' is not supported for Unigram models (Metaspace, optionally after WhitespaceSplit, is).");
            }
        }

        return result ?? new MetaspacePreTokenizer(split, false, '\u2581', false);
    }

    private static SpecialTokenTemplate Template(string path, JsonElement root, Func<string, int?> lookup)
    {
        if (!root.TryGetProperty("post_processor", out var p) || p.ValueKind != JsonValueKind.Object)
        {
            return new SpecialTokenTemplate([], []);
        }

        var type = p.GetProperty("type").GetString();
        if (type is "BertProcessing" or "RobertaProcessing")
        {
            return new SpecialTokenTemplate([p.GetProperty("cls")[1].GetInt64()], [p.GetProperty("sep")[1].GetInt64()]);
        }

        if (type != "TemplateProcessing")
        {
            throw new InvalidDataException($"{path}: post_processor '{type}' is not supported.");
        }

        var prefix = new List<long>();
        var suffix = new List<long>();
        var seenSequence = false;
        foreach (var item in p.GetProperty("single").EnumerateArray())
        {
            if (item.TryGetProperty("Sequence", out _))
            {
                seenSequence = true;
                continue;
            }

            var name = item.GetProperty("SpecialToken").GetProperty("id").GetString() ?? "";
            long[] ids = p.TryGetProperty("special_tokens", out var specials) && specials.TryGetProperty(name, out var special)
                ? special.GetProperty("ids").EnumerateArray().Select(x => x.GetInt64()).ToArray()
                : [lookup(name) ?? throw new InvalidDataException($"{path}: special token '{name}' is not in the vocabulary.")];
            (seenSequence ? suffix : prefix).AddRange(ids);
        }

        return new SpecialTokenTemplate(prefix.ToArray(), suffix.ToArray());
    }

    private static int Id(Dictionary<string, int> vocab, string token, string path) =>
        vocab.TryGetValue(token, out var id) ? id : throw new InvalidDataException($"{path}: the vocabulary has no '{token}'.");

    private static bool? Bool(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind is JsonValueKind.True or JsonValueKind.False ? value.GetBoolean() : null;
}
