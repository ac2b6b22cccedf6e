using System.Collections.Concurrent;
using System.Numerics.Tensors;
using LlmGateway.VectorIndex;

namespace LlmGateway.Tests.VectorIndex;

public sealed class HnswIndexConcurrencyTests
{
    private const int Dimension = 32;

    [Theory]
    [InlineData(false)]
    [InlineData(true)] // the int8-code walk under the same load
    public async Task Parallel_inserts_and_searches_lose_nothing_and_return_consistent_results(bool quantizedSearch)
    {
        const int Size = 6_000;
        var data = TestVectors.Clustered(Size, Dimension, clusters: 30, seed: 51);
        var index = new HnswIndex(Dimension, 12, 64, 48, seed: 9, quantizedSearch: quantizedSearch);
        for (var i = 0; i < 500; i++)
        {
            index.Insert(i, data[i]);
        }

        var errors = new ConcurrentQueue<string>();
        var deleted = new ConcurrentBag<int>();
        var next = 499;
        var searches = 0;
        var writersDone = 0;
        var writers = Enumerable.Range(0, 3).Select(_ => Task.Run(() =>
        {
            var mine = new List<int>();
            var searchesSeen = -1;
            int i;
            while ((i = Interlocked.Increment(ref next)) < Size)
            {
                // Every 100 inserts, wait until a reader has searched since the last wait: on a starved thread pool the
                // readers might otherwise start only after the writers are done, and nothing would run alongside.
                if (mine.Count % 100 == 0)
                {
                    SpinWait.SpinUntil(() => Volatile.Read(ref searches) > searchesSeen, TimeSpan.FromSeconds(60));
                    searchesSeen = Volatile.Read(ref searches);
                }

                index.Insert(i, data[i]);
                mine.Add(i);
                if (mine.Count % 10 == 0)
                {
                    // Delete one of this writer's own earlier inserts (surely present) while others insert.
                    var victim = mine[^5];
                    if (!index.Delete(victim))
                    {
                        errors.Enqueue($"delete of present id {victim} failed");
                    }

                    deleted.Add(victim);
                }
            }

            Interlocked.Increment(ref writersDone);
        })).ToArray();
        var readers = Enumerable.Range(0, 3).Select(r => Task.Run(() =>
        {
            var random = new Random(r);
            while (Volatile.Read(ref writersDone) < writers.Length)
            {
                var target = random.Next(Math.Min(Volatile.Read(ref next), Size));
                var results = index.Search(data[target], 10, 48);
                Interlocked.Increment(ref searches);
                for (var j = 0; j < results.Length; j++)
                {
                    var m = results[j];
                    if (m.Id < 0 || m.Id >= Size)
                    {
                        errors.Enqueue($"unknown id {m.Id}");
                        continue;
                    }

                    var exact = TensorPrimitives.Dot(data[m.Id], data[target]);
                    if (MathF.Abs(exact - m.Similarity) > 1e-4f)
                    {
                        errors.Enqueue($"id {m.Id} similarity {m.Similarity} but vectors give {exact}");
                    }

                    if (j > 0 && results[j - 1].Similarity < m.Similarity)
                    {
                        errors.Enqueue("results not sorted");
                    }
                }

                if (results.Select(x => x.Id).Distinct().Count() != results.Length)
                {
                    errors.Enqueue("duplicate ids in one result");
                }
            }
        })).ToArray();

        await Task.WhenAll([.. writers, .. readers]);

        Assert.Empty(errors);
        // Each writer waited for a fresh search every 100 of its ~1,800 inserts.
        Assert.True(searches >= 18, $"only {searches} searches ran alongside the inserts");
        Assert.True(deleted.Count >= 500, $"only {deleted.Count} deletes ran");
        Assert.Equal(Size - deleted.Count, index.Count);
        Assert.Equal(Size, index.NodeCount);
        var missing = Enumerable.Range(0, Size).Where(i => !deleted.Contains(i) && !index.Contains(i)).ToList();
        Assert.Empty(missing);
        Assert.All(deleted, id => Assert.False(index.Contains(id)));
        var found = Enumerable.Range(0, Size).Where(i => !deleted.Contains(i)).Count(i => index.Search(data[i], 1, 48)[0].Id == i);
        Assert.True(found >= (Size - deleted.Count) * 0.99, $"{found} of {Size - deleted.Count} live vectors find themselves after the parallel build");
        var queries = TestVectors.Clustered(100, Dimension, clusters: 30, seed: 52);
        var live = data.Select((v, i) => ((long)i, v)).Where(x => !deleted.Contains((int)x.Item1)).ToArray();
        var (_, recall10) = HnswIndexRecallTests.MeasureRecall(index, live, queries, efSearch: 100);
        Assert.True(recall10 >= 0.93, $"recall@10 after a parallel build {recall10:F3}");
    }

    [Fact]
    public async Task Partitioned_index_serves_searches_while_writers_promote_and_compact_partitions()
    {
        var options = new VectorIndexOptions { Dimension = Dimension, M = 8, EfConstruction = 40, FlatScanBelow = 200, CompactTombstoneFraction = 0.2 };
        var index = new PartitionedVectorIndex(options);
        var data = TestVectors.Clustered(3_000, Dimension, clusters: 10, seed: 53);
        var errors = new ConcurrentQueue<string>();
        var done = 0;
        var writer = Task.Run(() =>
        {
            for (var i = 0; i < data.Length; i++)
            {
                index.Add(i, (ulong)(i % 3), data[i]);
                if (i % 4 == 3)
                {
                    index.Remove(i - 2);
                }
            }

            Volatile.Write(ref done, 1);
        });
        var readers = Enumerable.Range(0, 2).Select(r => Task.Run(() =>
        {
            var random = new Random(r);
            while (Volatile.Read(ref done) == 0)
            {
                var target = random.Next(data.Length);
                var partition = (ulong)random.Next(3);
                foreach (var m in index.Search(partition, data[target], 5))
                {
                    if ((ulong)(m.Id % 3) != partition)
                    {
                        errors.Enqueue($"id {m.Id} returned from partition {partition}");
                    }
                }
            }
        })).ToArray();

        await Task.WhenAll([writer, .. readers]);

        Assert.Empty(errors);
        Assert.Equal(data.Length - (data.Length / 4), index.Count);
        Assert.Equal(PartitionKind.Graph, index.Describe(0)!.Value.Kind);
        Assert.Equal(750, index.Describe(1)!.Value.Count);
    }

    [Fact]
    public async Task Partitioned_index_takes_adds_from_several_threads_while_others_remove_and_search()
    {
        // Three adders (the cache's background indexer workers), one remover that forces compactions, two searchers.
        var options = new VectorIndexOptions { Dimension = Dimension, M = 8, EfConstruction = 40, FlatScanBelow = 200, CompactTombstoneFraction = 0.2 };
        var index = new PartitionedVectorIndex(options);
        var data = TestVectors.Clustered(4_500, Dimension, clusters: 10, seed: 54);
        var errors = new ConcurrentQueue<string>();
        var removed = new ConcurrentDictionary<long, bool>();
        var next = -1;
        var done = 0;
        var toRemove = new ConcurrentQueue<long>();
        var adding = 3;
        var adders = Enumerable.Range(0, 3).Select(_ => Task.Run(() =>
        {
            for (var i = Interlocked.Increment(ref next); i < data.Length; i = Interlocked.Increment(ref next))
            {
                index.Add(i, (ulong)(i % 2), data[i]);
                if (i % 5 == 0)
                    toRemove.Enqueue(i);
            }
            Interlocked.Decrement(ref adding);
        })).ToArray();
        var remover = Task.Run(() =>
        {
            // Every fifth id, as soon as it is in: enough removals to compact the graphs while adds run.
            while (Volatile.Read(ref adding) > 0 || !toRemove.IsEmpty)
            {
                if (toRemove.TryDequeue(out var id) && index.Remove(id))
                    removed[id] = true;
            }
        });
        var searchers = Enumerable.Range(0, 2).Select(r => Task.Run(() =>
        {
            var random = new Random(r);
            while (Volatile.Read(ref done) == 0)
            {
                var partition = (ulong)random.Next(2);
                foreach (var m in index.Search(partition, data[random.Next(data.Length)], 5))
                {
                    if ((ulong)(m.Id % 2) != partition)
                        errors.Enqueue($"id {m.Id} returned from partition {partition}");
                }
            }
        })).ToArray();

        await Task.WhenAll([.. adders, remover]);
        Volatile.Write(ref done, 1);
        await Task.WhenAll(searchers);

        Assert.Empty(errors);
        Assert.Equal(data.Length / 5, removed.Count);
        Assert.Equal(data.Length - removed.Count, index.Count);
        Assert.Equal(PartitionKind.Graph, index.Describe(0)!.Value.Kind);
        var live = Enumerable.Range(0, data.Length).Where(i => !removed.ContainsKey(i)).ToList();
        Assert.Equal(live.Count, index.Ids().Length);
        var found = live.Count(i => index.Search((ulong)(i % 2), data[i], 1, efSearch: 64) is [{ } m] && m.Id == i);
        Assert.True(found >= live.Count * 0.98, $"{found} of {live.Count} live vectors find themselves");
    }
}
