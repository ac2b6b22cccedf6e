namespace LlmGateway.Embeddings.Tokenizers;

/// <summary>
/// Text to model token ids, matching the Hugging Face tokenizer the model was trained with. Implementations are
/// immutable after construction and safe to share between threads.
/// </summary>
internal interface ITokenizer
{
    /// <summary>Short description for logs and the model id (kind, vocabulary size).</summary>
    string Description { get; }

    /// <summary>Id written for padding positions (attention mask 0).</summary>
    long PadId { get; }

    /// <summary>Id written for a piece the vocabulary does not have (<c>[UNK]</c>, <c>&lt;unk&gt;</c>).</summary>
    int UnkId { get; }

    /// <summary>
    /// Writes the ids of <paramref name="text"/>, with the model's special tokens (e.g. [CLS] ... [SEP]), into
    /// <paramref name="ids"/> and returns how many were written. Text longer than <paramref name="maxTokens"/>
    /// tokens (special tokens included) is truncated at the end, keeping the closing special token, as Hugging
    /// Face's truncation does. <paramref name="ids"/> must hold at least <paramref name="maxTokens"/> entries.
    /// </summary>
    int Encode(ReadOnlySpan<char> text, Span<long> ids, int maxTokens);
}
