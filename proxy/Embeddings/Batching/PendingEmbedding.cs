namespace LlmGateway.Embeddings.Batching;

/// <summary>One caller's text waiting in the batch queue, and where its vector goes.</summary>
internal sealed class PendingEmbedding(string text)
{
    private readonly TaskCompletionSource<float[]> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _abandoned;

    public string Text { get; } = text;

    public Task<float[]> Task => _completion.Task;

    /// <summary>True once the caller stopped waiting (timeout or cancellation): workers skip it.</summary>
    public bool IsAbandoned => Volatile.Read(ref _abandoned) != 0 || _completion.Task.IsCompleted;

    public void Abandon()
    {
        Volatile.Write(ref _abandoned, 1);
        _completion.TrySetCanceled();
    }

    public void Complete(float[] vector) => _completion.TrySetResult(vector);

    public void Fail(Exception exception) => _completion.TrySetException(exception);
}
