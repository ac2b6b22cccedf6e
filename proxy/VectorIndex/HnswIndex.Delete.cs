namespace LlmGateway.VectorIndex;

/// <summary>Delete marks a tombstone; searches walk through tombstones but never return them.</summary>
internal sealed partial class HnswIndex
{
    /// <summary>Tombstones <paramref name="id"/>. Returns false when it is not in the index. Thread-safe.</summary>
    public bool Delete(long id)
    {
        _structureGate.EnterReadLock();
        try
        {
            int node;
            lock (_idLock)
            {
                if (!_nodeById.Remove(id, out node))
                {
                    return false;
                }

                Volatile.Write(ref _deleted.At(node), (byte)1);
                Interlocked.Increment(ref _tombstones);
            }

            return true;
        }
        finally
        {
            _structureGate.ExitReadLock();
        }
    }

    /// <summary>
    /// Live ids with their stored (unit) vectors, in node order. Excludes writers while it runs.
    /// </summary>
    public void ForEachLive(Action<long, ReadOnlySpan<float>> action)
    {
        _structureGate.EnterWriteLock();
        try
        {
            var nodes = _nodeCount;
            for (var node = 0; node < nodes; node++)
            {
                if (_deleted.At(node) == 0)
                {
                    action(_ids.At(node), _vectors.Row(node));
                }
            }
        }
        finally
        {
            _structureGate.ExitWriteLock();
        }
    }
}
