using LlmGateway.Capture;
using LlmGateway.Gateway;

namespace LlmGateway.Caching;

/// <summary>One stored answer with everything needed to check and replay it. Serialised as bytes into FASTER.</summary>
internal sealed record CacheEntry
{
    /// <summary>2 adds the entry's verified-lookup evidence after the answer; 1 (no evidence) is still read.</summary>
    public const byte FormatVersion = 2;

    private const byte FormatWithoutEvidence = 1;

    public required byte[] ExactKey { get; init; }
    public required byte[] PartitionKey { get; init; }
    public required string Scope { get; init; }
    public required string Model { get; init; }
    public required OpenAiEndpoint Endpoint { get; init; }
    /// <summary>Id of the embedder that made <see cref="Vector"/>; empty when the entry has no vector.</summary>
    public required string EmbedderId { get; init; }
    public required string? QueryText { get; init; }
    public required float[] Vector { get; init; }
    public required long CreatedUnixMs { get; init; }
    public required long ExpiresUnixMs { get; init; }
    public required TokenUsage Usage { get; init; }
    /// <summary>The answer as the non-streaming JSON the provider would have sent (assembled when it came as a stream).</summary>
    public required byte[] Answer { get; init; }
    public int HitCount { get; init; }
    /// <summary>What verified lookups observed for this answer (Verified/); null: none yet.</summary>
    public Verified.HitEvidence? Evidence { get; init; }
    /// <summary>How many observations were ever recorded for this answer (the evidence keeps the newest): tells a replica which are new.</summary>
    public long EvidenceTotal { get; init; }

    public long Id => BitConverter.ToInt64(ExactKey, 0);

    public byte[] Serialize()
    {
        using var buffer = new MemoryStream(Answer.Length + Vector.Length * 4 + 256);
        using (var w = new BinaryWriter(buffer))
        {
            w.Write(FormatVersion);
            w.Write(ExactKey);
            w.Write(PartitionKey);
            w.Write(Scope);
            w.Write(Model);
            w.Write((byte)Endpoint);
            w.Write(EmbedderId);
            w.Write(QueryText is not null);
            if (QueryText is not null) w.Write(QueryText);
            w.Write(Vector.Length);
            w.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(Vector.AsSpan()));
            w.Write(CreatedUnixMs);
            w.Write(ExpiresUnixMs);
            w.Write(Usage.PromptTokens);
            w.Write(Usage.CachedPromptTokens);
            w.Write(Usage.CompletionTokens);
            w.Write(Usage.Estimated);
            w.Write(HitCount);
            w.Write(Answer.Length);
            w.Write(Answer);
            w.Write(EvidenceTotal);
            (Evidence ?? new Verified.HitEvidence()).Write(w);
        }
        return buffer.ToArray();
    }

    /// <summary>Reads an entry; throws <see cref="InvalidDataException"/> on bytes it does not understand.</summary>
    /// <param name="withVector">False on the hit path, which never needs the vector.</param>
    public static CacheEntry Deserialize(byte[] bytes, bool withVector = true)
    {
        try
        {
            using var r = new BinaryReader(new MemoryStream(bytes, writable: false));
            var version = r.ReadByte();
            if (version is not (FormatVersion or FormatWithoutEvidence))
                throw new InvalidDataException("unknown cache entry format version");
            var exact = r.ReadBytes(32);
            var partition = r.ReadBytes(32);
            var scope = r.ReadString();
            var model = r.ReadString();
            var endpoint = (OpenAiEndpoint)r.ReadByte();
            var embedder = r.ReadString();
            var query = r.ReadBoolean() ? r.ReadString() : null;
            var dimension = r.ReadInt32();
            var vectorBytes = r.ReadBytes(dimension * sizeof(float));
            if (vectorBytes.Length != dimension * sizeof(float))
                throw new EndOfStreamException();
            var vector = withVector ? System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(vectorBytes).ToArray() : [];
            var created = r.ReadInt64();
            var expires = r.ReadInt64();
            var usage = new TokenUsage(r.ReadInt64(), r.ReadInt64(), r.ReadInt64(), r.ReadBoolean());
            var hits = r.ReadInt32();
            var answerLength = r.ReadInt32();
            var answer = r.ReadBytes(answerLength);
            if (answer.Length != answerLength)
                throw new EndOfStreamException();
            var (evidenceTotal, evidence) = version == FormatVersion ? (r.ReadInt64(), Verified.HitEvidence.Read(r)) : (0L, null);
            return new CacheEntry
            {
                ExactKey = exact, PartitionKey = partition, Scope = scope, Model = model, Endpoint = endpoint, EmbedderId = embedder,
                QueryText = query, Vector = vector, CreatedUnixMs = created, ExpiresUnixMs = expires, Usage = usage, Answer = answer, HitCount = hits,
                Evidence = evidence, EvidenceTotal = evidenceTotal,
            };
        }
        catch (EndOfStreamException ex)
        {
            throw new InvalidDataException("truncated cache entry", ex);
        }
    }
}
