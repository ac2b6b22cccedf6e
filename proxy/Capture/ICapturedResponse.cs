namespace LlmGateway.Capture;

/// <summary>What the provider sent, read-only: what budgets settle on, the cache stores from and the metrics time.</summary>
internal interface ICapturedResponse
{
    /// <summary>Timestamp (TimeProvider) when the forward started.</summary>
    long StartedTimestamp { get; }

    /// <summary>Timestamp of the first body byte written towards the client; null when none was.</summary>
    long? FirstByteTimestamp { get; }

    /// <summary>Timestamp when the forward returned.</summary>
    long? EndedTimestamp { get; }

    /// <summary>Time spent at the provider, over every attempt: from the socket handler to the end of its body.</summary>
    TimeSpan ProviderTime { get; }

    int StatusCode { get; }

    string? ContentType { get; }

    bool IsEventStream { get; }

    /// <summary>True when the provider's answer was forwarded whole: no forwarder error, no client abort, not cut short.</summary>
    bool Completed { get; }

    /// <summary>True when the body passed the capture limit (then <see cref="Body"/> holds only its start).</summary>
    bool Truncated { get; }

    /// <summary>Every byte the provider sent (up to the limit), including SSE events held back from the client.</summary>
    ReadOnlyMemory<byte> Body { get; }

    /// <summary>Ends a streamed answer early at the first event it refuses; null: never.</summary>
    IStreamCutoff? Cutoff { get; }

    /// <summary>True once <see cref="Cutoff"/> ended the stream: the client got part of the answer and a final error event.</summary>
    bool CutShort { get; }
}
