using System.Collections.Concurrent;
using System.IO.Hashing;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.ML.Tokenizers;

namespace LlmGateway.Budgets.Usage;

/// <summary>
/// Exact token counts of strings with OpenAI's tokenizers (Microsoft.ML.Tokenizers), kept cheap on the request
/// path: counts are cached by a 128-bit hash of the text; a request counts at most <see cref="TextBudget.InlineChars"/>
/// characters of new text; a longer string is left uncounted (the caller bounds it by its bytes) and, once seen
/// twice, is counted in the background so that its next request finds it cached. A tokenizer is loaded once, in
/// the background, on first use (~0.3 s each); until it is loaded, <see cref="Ready"/> is false and callers use bytes.
/// </summary>
internal sealed class TextTokenCounter
{
    private const int Seen = -1;
    private const int Queued = -2;
    private const int MaxCached = 200_000;

    private readonly Lazy<Task<Tokenizer>> _o200k;
    private readonly Lazy<Task<Tokenizer>> _cl100k;
    private readonly ConcurrentDictionary<UInt128, int> _counts = new();
    // At most 64 texts wait; TryWrite refuses more (the text stays "seen" and is queued at a later sighting).
    private readonly Channel<(Tokenizer Tokenizer, UInt128 Key, string Text)> _background =
        Channel.CreateBounded<(Tokenizer, UInt128, string)>(new BoundedChannelOptions(64) { FullMode = BoundedChannelFullMode.Wait, SingleReader = true });
    private readonly ILogger<TextTokenCounter> _logger;
    private int _cached;
    private int _draining;

    public TextTokenCounter(ILogger<TextTokenCounter> logger)
    {
        _logger = logger;
        _o200k = new(() => Create(TokenizerKind.O200kBase));
        _cl100k = new(() => Create(TokenizerKind.Cl100kBase));
    }

    /// <summary>Starts loading <paramref name="kind"/>'s tokenizer if it is not loaded; completes when it is.</summary>
    public Task LoadAsync(TokenizerKind kind) => Load(kind) ?? Task.CompletedTask;

    /// <summary>True once <paramref name="kind"/> counts exactly; the first call starts loading it.</summary>
    public bool Ready(TokenizerKind kind) => Load(kind) is { IsCompletedSuccessfully: true };

    /// <summary>
    /// The tokens of <paramref name="text"/>, or null when it is new and longer than what is left of
    /// <paramref name="budget"/> (or the tokenizer is not loaded yet). Counting takes from the budget.
    /// </summary>
    public long? Count(TokenizerKind kind, string text, ref TextBudget budget) =>
        Count(kind, XxHash128.HashToUInt128(MemoryMarshal.AsBytes(text.AsSpan()), (long)kind), text.Length, text, default, ref budget);

    /// <summary>
    /// The same for a JSON string token as the body holds it (quotes and escapes included; its length bounds the
    /// text's UTF-8 bytes): unescaped only when it is counted, so a long prompt found in the cache costs a hash.
    /// </summary>
    public long? CountJson(TokenizerKind kind, ReadOnlySpan<byte> jsonString, ref TextBudget budget) =>
        Count(kind, XxHash128.HashToUInt128(jsonString, (long)kind + 16), jsonString.Length - 2, null, jsonString, ref budget);

    private long? Count(TokenizerKind kind, UInt128 key, int length, string? text, ReadOnlySpan<byte> jsonString, ref TextBudget budget)
    {
        if (Load(kind) is not { IsCompletedSuccessfully: true } load)
            return null;
        var found = _counts.TryGetValue(key, out var known);
        if (found && known >= 0)
            return known;
        if (length <= budget.InlineChars)
        {
            budget.InlineChars -= length;
            var count = load.Result.CountTokens(text ?? Unescape(jsonString));
            Store(key, count);
            return count;
        }
        // Too long to count now. Seen before: a repeated text (a system prompt, a conversation's history) is worth counting.
        if (!found)
            Store(key, Seen);
        else if (known == Seen && _counts.TryUpdate(key, Queued, Seen))
        {
            // Marked before it is queued, so the count the drainer stores is never overwritten, and queued once.
            if (!_background.Writer.TryWrite((load.Result, key, text ?? Unescape(jsonString))))
                _counts.TryUpdate(key, Seen, Queued);
            else if (Interlocked.CompareExchange(ref _draining, 1, 0) == 0)
                ThreadPool.UnsafeQueueUserWorkItem(static self => self.Drain(), this, preferLocal: false);
        }
        return null;
    }

    private static string Unescape(ReadOnlySpan<byte> jsonString)
    {
        var reader = new Utf8JsonReader(jsonString);
        reader.Read();
        return reader.GetString()!;
    }

    private void Drain()
    {
        while (true)
        {
            while (_background.Reader.TryRead(out var item))
            {
                try
                {
                    Store(item.Key, item.Tokenizer.CountTokens(item.Text));
                }
                catch (Exception ex) when (ex is not OutOfMemoryException)
                {
                    // Not expected; the text stays queued, i.e. bounded by its bytes, and the thread-pool thread survives.
                }
            }
            Volatile.Write(ref _draining, 0);
            // A write that came after the last read and saw the flag still set has no drainer: take it over.
            if (!_background.Reader.TryPeek(out _) || Interlocked.CompareExchange(ref _draining, 1, 0) != 0)
                return;
        }
    }

    private void Store(UInt128 key, int value)
    {
        // Bounded: past the cap start over (the working set refills at the inline budget's pace).
        if (Interlocked.Increment(ref _cached) > MaxCached)
        {
            _counts.Clear();
            Interlocked.Exchange(ref _cached, 0);
        }
        _counts[key] = value;
    }

    private Task<Tokenizer>? Load(TokenizerKind kind) => kind switch
    {
        TokenizerKind.O200kBase => _o200k.Value,
        TokenizerKind.Cl100kBase => _cl100k.Value,
        _ => null,
    };

    private Task<Tokenizer> Create(TokenizerKind kind) => Task.Run<Tokenizer>(() =>
    {
        try
        {
            var tokenizer = TiktokenTokenizer.CreateForEncoding(TokenizerKinds.Name(kind));
            BudgetsLog.TokenizerLoaded(_logger, TokenizerKinds.Name(kind));
            return tokenizer;
        }
        catch (Exception ex)
        {
            BudgetsLog.TokenizerFailed(_logger, ex, TokenizerKinds.Name(kind));
            throw;
        }
    });
}
