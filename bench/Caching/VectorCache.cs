using System.Security.Cryptography;
using System.Text;
using LlmGateway.Embeddings;

namespace LlmGateway.Bench.Caching;

/// <summary>
/// An on-disk cache of one embedder's vectors for the quality benches, so a re-run does not embed again (a 24k-pair
/// QQP run is ~48k texts, minutes of a shared 2-core machine). One append-only file per embedder id under
/// <c>$TMPDIR/llmgw-vectors</c> (never in the repository); a record is the text's SHA-256 (first 16 bytes) and its
/// vector. Records are appended after each embedded batch, so an interrupted run keeps what it paid for; a torn last
/// record is ignored. The id already changes with the model's content, tokenizer, pooling and dimension.
/// </summary>
internal sealed class VectorCache : ITextEmbedder
{
    private const int KeyBytes = 16;
    private const int BatchSize = 32;

    private readonly ITextEmbedder _inner;
    private readonly string _path;
    private readonly Dictionary<UInt128, float[]> _vectors = [];
    private readonly Lock _gate = new();

    public VectorCache(ITextEmbedder inner, string folder)
    {
        _inner = inner;
        Directory.CreateDirectory(folder);
        _path = Path.Combine(folder, $"{inner.ModelId}.vectors");
        Load();
    }

    /// <summary>The default folder: the temp folder ($TMPDIR), outside any repository.</summary>
    public static string DefaultFolder => Path.Combine(Path.GetTempPath(), "llmgw-vectors");

    public string ModelId => _inner.ModelId;

    public int Dimension => _inner.Dimension;

    /// <summary>Vectors read from the file, and texts embedded by this run.</summary>
    public int Loaded { get; private set; }

    public int Embedded { get; private set; }

    public async ValueTask<float[]> EmbedAsync(string text, CancellationToken cancellationToken) =>
        (await EmbedBatchAsync([text], cancellationToken))[0];

    public async ValueTask<float[][]> EmbedBatchAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken)
    {
        var result = new float[texts.Count][];
        var missing = new List<(int Index, UInt128 Key)>();
        lock (_gate)
        {
            for (var i = 0; i < texts.Count; i++)
            {
                var key = Key(texts[i]);
                if (_vectors.TryGetValue(key, out var v))
                    result[i] = v;
                else
                    missing.Add((i, key));
            }
        }
        foreach (var chunk in missing.DistinctBy(m => m.Key).Chunk(BatchSize))
        {
            var vectors = await _inner.EmbedBatchAsync(chunk.Select(m => texts[m.Index]).ToArray(), cancellationToken);
            lock (_gate)
            {
                using var file = new FileStream(_path, FileMode.Append, FileAccess.Write, FileShare.Read);
                using var writer = new BinaryWriter(file);
                for (var i = 0; i < chunk.Length; i++)
                {
                    if (!_vectors.TryAdd(chunk[i].Key, vectors[i]))
                        continue;
                    writer.Write((ulong)(chunk[i].Key >> 64));
                    writer.Write((ulong)chunk[i].Key);
                    foreach (var f in vectors[i])
                        writer.Write(f);
                    Embedded++;
                }
            }
        }
        lock (_gate)
        {
            foreach (var (index, key) in missing)
                result[index] = _vectors[key];
        }
        return result;
    }

    public void Dispose() => _inner.Dispose();

    private void Load()
    {
        if (!File.Exists(_path))
            return;
        var record = KeyBytes + (4 * Dimension);
        using var file = new FileStream(_path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new BinaryReader(file);
        while (file.Length - file.Position >= record)
        {
            var key = ((UInt128)reader.ReadUInt64() << 64) | reader.ReadUInt64();
            var vector = new float[Dimension];
            for (var i = 0; i < vector.Length; i++)
                vector[i] = reader.ReadSingle();
            _vectors[key] = vector;
        }
        Loaded = _vectors.Count;
        // A run stopped mid-write leaves a torn record: cut it, so the next append stays aligned.
        if (file.Position != file.Length)
        {
            reader.Dispose();
            using var truncate = new FileStream(_path, FileMode.Open, FileAccess.Write, FileShare.Read);
            truncate.SetLength(Loaded * (long)record);
        }
    }

    private static UInt128 Key(string text)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(text), hash);
        return ((UInt128)BitConverter.ToUInt64(hash[..8]) << 64) | BitConverter.ToUInt64(hash[8..16]);
    }
}
