using System.CommandLine;
using System.Text;
using System.Text.Json;
using Google.Protobuf;
using LlmGateway.Embeddings.Tokenizers;
using Microsoft.ML.Tokenizers;

namespace LlmGateway.Bench.Embeddings;

/// <summary>
/// <c>tokenizers</c>: Microsoft.ML.Tokenizers 2.0.1 against the golden token ids (@huggingface/transformers) that the
/// project's own tokenizers pass — the measurement behind keeping them (proxy/Embeddings/README.md). BertTokenizer is
/// run on the all-MiniLM-L6-v2 vocab.txt with HF's settings; SentencePieceTokenizer (Unigram) on a model proto built
/// from the test tokenizer.json files, alone and with the project's normaliser in front and unknown runs fused after.
/// </summary>
internal static class TokenizerLibraryBench
{
    public static Command Command()
    {
        var command = new Command("tokenizers", "Microsoft.ML.Tokenizers against the golden token ids the project's own tokenizers pass.");
        command.SetAction(_ => Run());
        return command;
    }

    private static int Run()
    {
        var root = BenchModelFolder.FindRepositoryRoot();
        if (root is null)
        {
            Console.WriteLine("tokenizers: tests/Embeddings/TestData not found above the working directory.");
            return 1;
        }

        var data = Path.Combine(root, "tests", "Embeddings", "TestData");
        var bert = BertTokenizer.Create(Path.Combine(data, "minilm", "vocab.txt"), new BertOptions
        {
            LowerCaseBeforeTokenization = true, // tokenizer_config.json: do_lower_case
            RemoveNonSpacingMarks = true, // HF strips accents when lower-casing and strip_accents is unset
            IndividuallyTokenizeCjk = true, // tokenize_chinese_chars
            ApplyBasicTokenization = true,
            SplitOnSpecialTokens = false, // the project never turns user text into control tokens
        });
        Report("BertTokenizer, all-MiniLM-L6-v2 vocab.txt", Cases(data, "wordpiece.json"), text => bert.EncodeToIds(text).ToArray());

        foreach (var variant in new[] { "unigram", "unigram-e5style" })
        {
            var json = Path.Combine(data, variant, "tokenizer.json");
            var ours = (UnigramTokenizer)TokenizerLoader.LoadTokenizerJson(json);
            var collapse = variant == "unigram-e5style"; // WhitespaceSplit in front of Metaspace
            var library = SentencePieceTokenizer.Create(new MemoryStream(ModelProto(json, collapse)), true, true);
            var cases = Cases(data, variant + ".json");
            Report($"SentencePieceTokenizer (Unigram) alone, {variant}", cases, text => library.EncodeToIds(text, true, true).ToArray());
            Report($"SentencePieceTokenizer with the project's normaliser before and <unk> runs fused after, {variant}", cases, text =>
            {
                var normalized = ours.Normalizer?.Normalize(text) ?? text;
                var ids = library.EncodeToIds(normalized, true, true).ToArray();
                return ids.Length == 0 ? [0, 2] : ids.Where((id, i) => !(id == ours.UnkId && i > 0 && ids[i - 1] == ours.UnkId)).ToArray();
            });
        }

        return 0;
    }

    private static List<(string Name, string Text, int[] Ids)> Cases(string data, string file)
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(data, "reference", file)));
        return document.RootElement.GetProperty("cases").EnumerateArray()
            .Select(c => (c.GetProperty("name").GetString()!, c.GetProperty("text").GetString()!, c.GetProperty("ids").EnumerateArray().Select(x => x.GetInt32()).ToArray()))
            .ToList();
    }

    private static void Report(string label, List<(string Name, string Text, int[] Ids)> cases, Func<string, int[]> encode)
    {
        var mismatches = new List<string>();
        foreach (var (name, text, expected) in cases)
        {
            var actual = encode(text);
            if (!expected.AsSpan().SequenceEqual(actual))
            {
                var n = Math.Min(expected.Length, actual.Length);
                var first = Enumerable.Range(0, n).FirstOrDefault(i => expected[i] != actual[i], n);
                mismatches.Add($"{name} (ids {expected.Length} vs {actual.Length}, first difference at {first}: expected [{string.Join(",", expected.Skip(first).Take(4))}] got [{string.Join(",", actual.Skip(first).Take(4))}])");
            }
        }

        Console.WriteLine($"## {label}: {cases.Count - mismatches.Count} of {cases.Count} golden cases match");
        foreach (var m in mismatches)
        {
            Console.WriteLine($"  - {m}");
        }

        Console.WriteLine();
    }

    /// <summary>
    /// A SentencePiece ModelProto (the only form SentencePieceTokenizer reads) holding a tokenizer.json's Unigram
    /// vocabulary: pieces (field 1), trainer_spec (2: model_type UNIGRAM, unk/bos/eos/pad ids), normalizer_spec
    /// (3: identity, dummy prefix, whitespace escaping).
    /// </summary>
    private static byte[] ModelProto(string tokenizerJson, bool removeExtraWhitespace)
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(tokenizerJson));
        var model = document.RootElement.GetProperty("model");
        var unk = model.GetProperty("unk_id").GetInt32();
        var output = new MemoryStream();
        var proto = new CodedOutputStream(output);
        var id = 0;
        foreach (var entry in model.GetProperty("vocab").EnumerateArray())
        {
            var type = id == unk ? 2 : entry[0].GetString() is "<s>" or "</s>" or "<pad>" ? 3 : 1; // UNKNOWN, CONTROL, NORMAL
            proto.WriteTag(1, WireFormat.WireType.LengthDelimited);
            proto.WriteBytes(Message(m =>
            {
                m.WriteTag(1, WireFormat.WireType.LengthDelimited);
                m.WriteString(entry[0].GetString()!);
                m.WriteTag(2, WireFormat.WireType.Fixed32);
                m.WriteFloat((float)entry[1].GetDouble());
                m.WriteTag(3, WireFormat.WireType.Varint);
                m.WriteEnum(type);
            }));
            id++;
        }

        proto.WriteTag(2, WireFormat.WireType.LengthDelimited);
        proto.WriteBytes(Message(m =>
        {
            foreach (var (field, value) in new[] { (3, 1), (40, unk), (41, 0), (42, 2), (43, 1) })
            {
                m.WriteTag(field, WireFormat.WireType.Varint);
                m.WriteInt32(value);
            }
        }));
        proto.WriteTag(3, WireFormat.WireType.LengthDelimited);
        proto.WriteBytes(Message(m =>
        {
            m.WriteTag(1, WireFormat.WireType.LengthDelimited);
            m.WriteString("identity");
            foreach (var (field, value) in new[] { (3, true), (4, removeExtraWhitespace), (5, true) })
            {
                m.WriteTag(field, WireFormat.WireType.Varint);
                m.WriteBool(value);
            }
        }));
        proto.Flush();
        return output.ToArray();
    }

    private static ByteString Message(Action<CodedOutputStream> write)
    {
        var buffer = new MemoryStream();
        var stream = new CodedOutputStream(buffer);
        write(stream);
        stream.Flush();
        return ByteString.CopyFrom(buffer.ToArray());
    }
}
